/**
 * The one hook that owns a conversation's realtime state: history (newest page first, older
 * pages on demand), the live subscription started `after` the newest cursor held so nothing
 * falls between the two, socket status, and the degraded mode. While the server reports
 * REALTIME_UNAVAILABLE, the socket is down or the subscription failed, a fallback polls for
 * newer messages every 8 s; it stops when realtime is restored or the socket reconnects.
 */
import { useCallback, useEffect, useLayoutEffect, useReducer, useRef, useState, type Dispatch } from 'react';
import { useApolloClient } from '@apollo/client/react';
import type { ApolloClient } from '@apollo/client';
import { useSocketState } from '../apollo/socketStatus';
import { MessageAddedSubscription, MessagesQuery } from './operations';
import { feedReducer, initialFeedState, type FeedAction, type FeedState, type MessagePage } from './feedState';
import type { MessagesQueryVariables } from '../gql/graphql';

export const PAGE_SIZE = 30;
export const POLL_INTERVAL_MS = 8_000;
const POLL_PAGE_SIZE = 100;
const MAX_POLL_PAGES = 10;
/** With no cursor to subscribe `after`, one catch-up fetch covers the subscribe race. */
const EMPTY_ROOM_CATCH_UP_MS = 1_500;

export interface RoomFeed {
  state: FeedState;
  status: 'loading' | 'ready' | 'error';
  loadError: string | null;
  loadingOlder: boolean;
  degraded: boolean;
  loadOlder(): Promise<void>;
  refresh(): Promise<void>;
  dispatch: Dispatch<FeedAction>;
}

interface LiveTarget {
  after: string | null;
  generation: number;
}

export function useRoomFeed(roomId: string): RoomFeed {
  const client = useApolloClient();
  const { status: socketStatus, reconnects } = useSocketState();
  const [state, dispatch] = useReducer(feedReducer, initialFeedState);
  const stateRef = useRef(state);
  useLayoutEffect(() => {
    stateRef.current = state;
  });
  const [status, setStatus] = useState<RoomFeed['status']>('loading');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loadFailures, setLoadFailures] = useState(0);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [live, setLive] = useState<LiveTarget | null>(null);
  const [subscriptionFailed, setSubscriptionFailed] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const page = await fetchPage(client, { roomId, last: PAGE_SIZE });
      dispatch({ type: 'historyLoaded', page });
      setStatus('ready');
      setLoadError(null);
      setLive((prev) => ({ after: page.pageInfo.endCursor, generation: (prev?.generation ?? 0) + 1 }));
    } catch (error) {
      setLoadError(error instanceof Error ? error.message : String(error));
      setLoadFailures((count) => count + 1);
      setStatus((prev) => (prev === 'ready' ? prev : 'error'));
    }
  }, [client, roomId]);

  const loadOlder = useCallback(async () => {
    const { oldestCursor, hasOlder } = stateRef.current;
    if (!hasOlder || !oldestCursor) return;
    setLoadingOlder(true);
    try {
      const page = await fetchPage(client, { roomId, last: PAGE_SIZE, before: oldestCursor });
      dispatch({ type: 'olderLoaded', page });
    } finally {
      setLoadingOlder(false);
    }
  }, [client, roomId]);

  const pollNewer = useCallback(async () => {
    for (let pages = 0; pages < MAX_POLL_PAGES; pages += 1) {
      const after = stateRef.current.newestCursor;
      const page = after
        ? await fetchPage(client, { roomId, first: POLL_PAGE_SIZE, after })
        : await fetchPage(client, { roomId, last: PAGE_SIZE });
      dispatch({ type: 'newerLoaded', page });
      stateRef.current = feedReducer(stateRef.current, { type: 'newerLoaded', page });
      if (!after || !page.pageInfo.hasNextPage) return;
    }
  }, [client, roomId]);

  useEffect(() => {
    // refresh sets state only once its fetch settles, never synchronously in this effect.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void refresh();
  }, [refresh]);

  // History that could not be loaded at all is tried again on the polling period.
  useEffect(() => {
    if (status !== 'error') return;
    const timer = setTimeout(() => void refresh(), POLL_INTERVAL_MS);
    return () => clearTimeout(timer);
  }, [status, loadFailures, refresh]);

  // The live feed, restarted whenever history is (re)loaded.
  useEffect(() => {
    if (!live) return;
    const subscription = client
      .subscribe({
        query: MessageAddedSubscription,
        variables: { roomId, after: live.after },
        fetchPolicy: 'no-cache',
      })
      .subscribe({
        next: (result) => {
          if (result.data) {
            dispatch({ type: 'event', event: result.data.messageAdded });
            setSubscriptionFailed(false);
          } else if (result.error) {
            setSubscriptionFailed(true);
          }
        },
        error: () => setSubscriptionFailed(true),
        complete: () => setSubscriptionFailed(true),
      });
    const catchUp = live.after ? undefined : setTimeout(() => void pollNewer().catch(() => {}), EMPTY_ROOM_CATCH_UP_MS);
    return () => {
      clearTimeout(catchUp);
      subscription.unsubscribe();
    };
  }, [client, roomId, live, pollNewer]);

  // A socket that replaced a dropped or rotated one: resume the feed from the newest cursor
  // held (rather than from where it first started); the old socket's warning no longer holds.
  const seenReconnects = useRef(reconnects);
  useEffect(() => {
    if (reconnects === seenReconnects.current) return;
    seenReconnects.current = reconnects;
    dispatch({ type: 'socketReconnected' });
    setSubscriptionFailed(false);
    setLive((prev) => (prev ? { after: stateRef.current.newestCursor, generation: prev.generation + 1 } : prev));
  }, [reconnects]);

  const degraded = status === 'ready' && (state.realtimeWarning || socketStatus === 'closed' || subscriptionFailed);

  // Leaving degraded mode: changes made meanwhile to messages already held (a bid's status,
  // read receipts) are not replayed as events, so the newest page is read once more.
  const wasDegraded = useRef(false);
  useEffect(() => {
    if (wasDegraded.current && !degraded) {
      void fetchPage(client, { roomId, last: PAGE_SIZE })
        .then((page) => dispatch({ type: 'newerLoaded', page }))
        .catch(() => {
          // Refresh and the next event still bring it; nothing is lost by skipping this.
        });
    }
    wasDegraded.current = degraded;
  }, [degraded, client, roomId]);

  useEffect(() => {
    if (!degraded) return;
    const timer = setInterval(() => {
      void pollNewer().catch(() => {
        // The next tick tries again; the banner is already up.
      });
      // A subscription that ended for good is retried, from the newest cursor held.
      if (subscriptionFailed) {
        setLive((prev) => ({ after: stateRef.current.newestCursor, generation: (prev?.generation ?? 0) + 1 }));
      }
    }, POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [degraded, pollNewer, subscriptionFailed]);

  return { state, status, loadError, loadingOlder, degraded, loadOlder, refresh, dispatch };
}

async function fetchPage(client: ApolloClient, variables: MessagesQueryVariables): Promise<MessagePage> {
  const { data } = await client.query({ query: MessagesQuery, variables, fetchPolicy: 'no-cache' });
  if (!data) throw new Error('The server returned no messages');
  return data.messages;
}
