/**
 * The room list, live through ONE roomActivity subscription for the caller's whole inbox:
 * each event puts its room, as the caller sees it now, into the cached list. The list is read
 * once the socket is up (subscribe, then read), again after a new socket replaced a dropped
 * one, and polled every 10 s only while realtime is down (socket closed, subscription ended).
 */
import { useEffect, useState } from 'react';
import { useApolloClient, useQuery } from '@apollo/client/react';
import { useSocketState } from '../apollo/socketStatus';
import { tabAttention } from '../app/tabAttention';
import { RoomActivitySubscription, RoomsQuery } from './operations';
import { LIST_SIZE, upsertRoom } from './roomListCache';

export const FALLBACK_POLL_MS = 10_000;

/** `myName`: the caller's username, whose own messages are no news. */
export function useRoomList(myName: string) {
  const client = useApolloClient();
  const { status: socketStatus } = useSocketState();
  const [subscriptionFailed, setSubscriptionFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const degraded = socketStatus === 'closed' || subscriptionFailed;
  const rooms = useQuery(RoomsQuery, {
    variables: { first: LIST_SIZE },
    pollInterval: degraded ? FALLBACK_POLL_MS : 0,
    skipPollAttempt: () => document.visibilityState === 'hidden',
  });

  useEffect(() => {
    const subscription = client
      .subscribe({ query: RoomActivitySubscription, fetchPolicy: 'no-cache' })
      .subscribe({
        next: (result) => {
          if (!result.data) return setSubscriptionFailed(true);
          setSubscriptionFailed(false);
          const { room } = result.data.roomActivity;
          const { previousLastMessageId } = upsertRoom(client.cache, room);
          const last = room.lastMessage;
          if (last && last.id !== previousLastMessageId && last.senderUsername !== myName && !last.deletedAt) {
            tabAttention().noteIncoming({ id: last.id, from: last.senderUsername, text: last.text, roomId: room.id });
          }
        },
        error: () => setSubscriptionFailed(true),
        complete: () => setSubscriptionFailed(true),
      });
    return () => subscription.unsubscribe();
  }, [client, attempt, myName]);

  // A subscription that ended for good is tried again on the polling period.
  useEffect(() => {
    if (!subscriptionFailed) return;
    const timer = setTimeout(() => setAttempt((count) => count + 1), FALLBACK_POLL_MS);
    return () => clearTimeout(timer);
  }, [subscriptionFailed, attempt]);

  // Each time a socket is up (the first, or one that replaced a dropped one) the list is read
  // after the subscription was sent, so no change falls between the two: a fresh request,
  // not folded into a read still in flight from before the subscription.
  useEffect(() => {
    if (socketStatus !== 'connected') return;
    client
      .query({
        query: RoomsQuery,
        variables: { first: LIST_SIZE },
        fetchPolicy: 'network-only',
        context: { queryDeduplication: false },
      })
      .catch(() => {
        // The list shows what it had; the next socket or the fallback poll reads it again.
      });
  }, [socketStatus, client]);

  const list = rooms.data?.rooms.edges.map((edge) => edge.node) ?? [];
  return { rooms: list, loading: rooms.loading, error: rooms.error, loaded: Boolean(rooms.data), degraded };
}
