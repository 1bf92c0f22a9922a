/**
 * Keeps the room list live: one light `messageAdded` subscription per listed room (the
 * server allows 100 a socket; the list shows 50), and any event in a room re-reads the list,
 * coalesced so that a burst costs one query. A room someone else starts with you has no
 * subscription yet; the list's slower poll finds it.
 */
import { useEffect, useLayoutEffect, useRef } from 'react';
import { useApolloClient } from '@apollo/client/react';
import { RoomActivitySubscription } from './operations';

const COALESCE_MS = 250;

export function useRoomActivity(roomIds: string[], onActivity: () => void): void {
  const client = useApolloClient();
  const onActivityRef = useRef(onActivity);
  useLayoutEffect(() => {
    onActivityRef.current = onActivity;
  });
  const key = [...roomIds].sort().join(',');

  useEffect(() => {
    if (!key) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(() => onActivityRef.current(), COALESCE_MS);
    };
    const subscriptions = key.split(',').map((roomId) =>
      client
        .subscribe({ query: RoomActivitySubscription, variables: { roomId }, fetchPolicy: 'no-cache' })
        .subscribe({
          next: (result) => {
            if (result.data && result.data.messageAdded.__typename !== 'WarningEvent') changed();
          },
          error: () => {
            // The list's poll still runs; the conversation page shows realtime trouble.
          },
        }),
    );
    return () => {
      clearTimeout(timer);
      subscriptions.forEach((subscription) => subscription.unsubscribe());
    };
  }, [client, key]);
}
