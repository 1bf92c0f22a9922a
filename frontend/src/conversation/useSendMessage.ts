/**
 * Optimistic send: the message shows at once as pending, the server's copy replaces it
 * (matched by clientId), and a failed send is retried with the same clientId so the
 * server returns the first copy instead of writing a second one. A send the server refuses
 * keeps its text in the failed message, with the server's reason; a FORBIDDEN one (the room
 * was blocked meanwhile) also tells the page, which reads the room again.
 */
import { useCallback, type Dispatch } from 'react';
import { useApolloClient } from '@apollo/client/react';
import { SendMessageMutation } from './operations';
import type { FeedAction, FeedAttachment, PendingMessage } from './feedState';
import { newClientId } from './clientId';
import { describeError, errorCode } from '../app/errors';

export interface Draft {
  text: string;
  attachments: FeedAttachment[];
}

export interface SendOptions {
  makeClientId?: () => string;
  /** The server refused the send with FORBIDDEN. */
  onForbidden?: () => void;
}

export function useSendMessage(roomId: string, dispatch: Dispatch<FeedAction>, options: SendOptions = {}) {
  const client = useApolloClient();
  const { makeClientId = newClientId, onForbidden } = options;

  const deliver = useCallback(
    async (pending: PendingMessage) => {
      dispatch({ type: 'sendStarted', pending: { ...pending, status: 'sending', error: undefined } });
      try {
        const { data } = await client.mutate({
          mutation: SendMessageMutation,
          variables: {
            roomId,
            text: pending.text || null,
            attachmentIds: pending.attachments.length ? pending.attachments.map((a) => a.id) : null,
            clientId: pending.clientId,
          },
          fetchPolicy: 'no-cache',
        });
        if (!data) throw new Error('The server returned no message');
        dispatch({ type: 'messageSaved', message: data.sendMessage });
      } catch (error) {
        dispatch({ type: 'sendFailed', clientId: pending.clientId, error: describeError(error) });
        if (errorCode(error) === 'FORBIDDEN') onForbidden?.();
      }
    },
    [client, dispatch, roomId, onForbidden],
  );

  const send = useCallback(
    (draft: Draft) =>
      deliver({
        clientId: makeClientId(),
        text: draft.text.trim(),
        attachments: draft.attachments,
        createdAt: new Date().toISOString(),
        status: 'sending',
      }),
    [deliver, makeClientId],
  );

  return { send, retry: deliver };
}
