/** Reading history pages into a conversation's feed store. */
import type { ApolloClient } from '@apollo/client';
import { MessagesQuery, RoomQuery } from './operations';
import type { FeedStore } from './feedStore';
import type { MessagePage } from './feedState';
import type { MessagesQueryVariables } from '../gql/graphql';

export const PAGE_SIZE = 30;
const MAX_PAGE = 100;
const MAX_POLL_PAGES = 10;

export async function fetchPage(client: ApolloClient, variables: MessagesQueryVariables): Promise<MessagePage> {
  const { data } = await client.query({ query: MessagesQuery, variables, fetchPolicy: 'no-cache' });
  if (!data) throw new Error('The server returned no messages');
  return data.messages;
}

/** Everything newer than the newest message held (the degraded mode's poll, the catch-up). */
export async function pollNewer(client: ApolloClient, roomId: string, store: FeedStore): Promise<void> {
  for (let pages = 0; pages < MAX_POLL_PAGES; pages += 1) {
    const after = store.getSnapshot().newestCursor;
    const page = after
      ? await fetchPage(client, { roomId, first: MAX_PAGE, after })
      : await fetchPage(client, { roomId, last: PAGE_SIZE });
    store.dispatch({ type: 'newerLoaded', page });
    if (!after || !page.pageInfo.hasNextPage) return;
  }
}

/**
 * The pages on screen read again, newest first, down to the oldest message held: catch-up
 * replays new messages but not edits, deletes, receipts or bid changes made meanwhile.
 */
export async function rereadShown(client: ApolloClient, roomId: string, store: FeedStore): Promise<void> {
  const held = store.getSnapshot().messages.length;
  let before: string | null = null;
  for (let read = 0; read === 0 || read < held; ) {
    const size = Math.min(MAX_PAGE, Math.max(PAGE_SIZE, held - read));
    const page: MessagePage = await fetchPage(client, before ? { roomId, last: size, before } : { roomId, last: size });
    store.dispatch({ type: 'pageReread', page });
    read += page.edges.length;
    before = page.pageInfo.startCursor;
    if (!page.pageInfo.hasPreviousPage || !before || page.edges.length === 0) return;
  }
}

/**
 * The room as the server sees it now: both participants' presence into the feed (events then
 * keep it current), and its block into the cache the page reads it from (the query writes it).
 */
export async function loadPresence(client: ApolloClient, roomId: string, store: FeedStore): Promise<void> {
  const { data } = await client.query({ query: RoomQuery, variables: { id: roomId }, fetchPolicy: 'network-only' });
  if (data?.room) store.dispatch({ type: 'presenceLoaded', users: [data.room.organizer, data.room.vendor] });
}

/** After a gap in the live feed: what it could not replay (edits, receipts, presence). */
export async function catchUp(client: ApolloClient, roomId: string, store: FeedStore): Promise<void> {
  await Promise.all([rereadShown(client, roomId, store), loadPresence(client, roomId, store)]);
}
