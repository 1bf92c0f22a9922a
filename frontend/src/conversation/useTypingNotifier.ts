/**
 * Tells the other participant that you are typing: setTyping(true) when the draft gets text,
 * renewed at most every 3 s while it keeps changing (the server lapses it after 6 s), and
 * setTyping(false) when the draft is cleared, sent, or the conversation is left.
 */
import { useCallback, useEffect, useRef } from 'react';
import { useApolloClient } from '@apollo/client/react';
import { SetTypingMutation } from './operations';

export const TYPING_RENEW_MS = 3_000;
/** After this the server has lapsed it on its own: no need to say we stopped. */
const TYPING_LAPSE_MS = 6_000;

export interface TypingNotifier {
  /** The draft's text after each change. */
  onDraftChange(text: string): void;
  /** The draft was sent (or abandoned). */
  stop(): void;
}

export function useTypingNotifier(roomId: string): TypingNotifier {
  const client = useApolloClient();
  /** When setTyping(true) was last sent; null while we have said nothing or said we stopped. */
  const lastSent = useRef<number | null>(null);

  const send = useCallback(
    (typing: boolean) => {
      client
        .mutate({ mutation: SetTypingMutation, variables: { roomId, typing }, fetchPolicy: 'no-cache' })
        .catch(() => {
          // Typing is a hint: a lost one lapses on the server, and nothing else depends on it.
        });
    },
    [client, roomId],
  );

  const stop = useCallback(() => {
    const sent = lastSent.current;
    lastSent.current = null;
    if (sent !== null && Date.now() - sent < TYPING_LAPSE_MS) send(false);
  }, [send]);

  const onDraftChange = useCallback(
    (text: string) => {
      if (!text.trim()) return stop();
      const at = Date.now();
      if (lastSent.current !== null && at - lastSent.current < TYPING_RENEW_MS) return;
      lastSent.current = at;
      send(true);
    },
    [send, stop],
  );

  useEffect(() => stop, [stop]);

  return { onDraftChange, stop };
}
