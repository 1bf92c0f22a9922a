/** Marks the other participant's messages read while the conversation is on screen. */
import { useEffect, useRef, type Dispatch } from 'react';
import { useApolloClient } from '@apollo/client/react';
import { MarkReadMutation } from './operations';
import type { FeedAction, FeedMessage } from './feedState';
import { usePageVisible } from '../app/usePageVisible';

export function useMarkRead(roomId: string, myId: string, messages: FeedMessage[], dispatch: Dispatch<FeedAction>) {
  const client = useApolloClient();
  const visible = usePageVisible();
  const lastMarked = useRef<string | null>(null);

  const newestUnread = [...messages].reverse().find((m) => m.sender.id !== myId && !m.readAt);
  const target = newestUnread?.id ?? null;

  useEffect(() => {
    if (!visible || !target || lastMarked.current === target) return;
    lastMarked.current = target;
    client
      .mutate({ mutation: MarkReadMutation, variables: { roomId, upToMessageId: target }, fetchPolicy: 'no-cache' })
      .then(({ data }) => {
        if (!data) return;
        const { messageId, readAt, reader } = data.markRead;
        dispatch({ type: 'readUpTo', messageId, readAt, readerId: reader.id });
      })
      .catch(() => {
        lastMarked.current = null; // try again on the next change
      });
  }, [client, dispatch, roomId, target, visible]);
}
