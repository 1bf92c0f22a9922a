import { describe, expect, it } from 'vitest';
import { useReducer } from 'react';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ApolloLink } from '@apollo/client';
import { useSendMessage } from './useSendMessage';
import { feedReducer, initialFeedState } from './feedState';
import { createTestClient, type RecordedCall } from '../test/apolloTestClient';
import { makeMessage, ORGANIZER } from '../test/factories';

const ROOM = '12';
const saved = makeMessage(41, { text: 'Hello there', clientId: 'client-1', sender: ORGANIZER });

/** Each sendMessage waits until the test answers it. */
function setup() {
  const answers: ((result: ApolloLink.Result | Error) => void)[] = [];
  const harness = createTestClient(
    (_call: RecordedCall) =>
      new Promise<ApolloLink.Result>((resolve, reject) => {
        answers.push((result) => (result instanceof Error ? reject(result) : resolve(result)));
      }),
  );
  const view = renderHook(
    () => {
      const [state, dispatch] = useReducer(feedReducer, initialFeedState);
      return { state, dispatch, ...useSendMessage(ROOM, dispatch, { makeClientId: () => 'client-1' }) };
    },
    { wrapper: harness.Wrapper },
  );
  const answer = async (result: ApolloLink.Result | Error) => {
    await waitFor(() => expect(answers.length).toBeGreaterThan(0));
    await act(async () => answers.shift()!(result));
  };
  return { ...harness, ...view, answer };
}

describe('useSendMessage', () => {
  it('shows the message at once, then replaces it with the server copy', async () => {
    const { result, calls, answer } = setup();
    act(() => void result.current.send({ text: '  Hello there ', attachments: [] }));
    expect(result.current.state.pending).toMatchObject([{ clientId: 'client-1', text: 'Hello there', status: 'sending' }]);
    expect(calls[0]).toMatchObject({
      operationName: 'SendMessage',
      variables: { roomId: ROOM, text: 'Hello there', clientId: 'client-1' },
    });

    await answer({ data: { sendMessage: saved } });
    await waitFor(() => expect(result.current.state.pending).toEqual([]));
    expect(result.current.state.messages.map((m) => m.id)).toEqual(['41']);
  });

  it('retries a failed send with the same clientId and keeps a single copy', async () => {
    const { result, calls, answer } = setup();
    act(() => void result.current.send({ text: 'Hello there', attachments: [] }));
    await answer(new Error('network down'));
    await waitFor(() => expect(result.current.state.pending[0]?.status).toBe('failed'));

    act(() => void result.current.retry(result.current.state.pending[0]));
    expect(result.current.state.pending[0].status).toBe('sending');
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1].variables.clientId).toBe('client-1');

    // The live copy arrives before the mutation's answer: still one message.
    act(() => result.current.dispatch({ type: 'event', event: { __typename: 'MessageEvent', cursor: 'c41', message: saved } }));
    await answer({ data: { sendMessage: saved } });
    await waitFor(() => expect(result.current.state.pending).toEqual([]));
    expect(result.current.state.messages.map((m) => m.id)).toEqual(['41']);
  });

  it('sends attachments by id, with no text when there is none', async () => {
    const { result, calls } = setup();
    const attachment = { __typename: 'Attachment' as const, id: '5', file: '/media/x.png', originalName: 'x.png', size: 10, contentType: 'image/png' };
    act(() => void result.current.send({ text: '', attachments: [attachment] }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0].variables).toMatchObject({ text: null, attachmentIds: ['5'], clientId: 'client-1' });
    expect(result.current.state.pending[0].attachments).toEqual([attachment]);
  });

  it('explains a send refused for an expired sign-in as that, not as a wrong password', async () => {
    const { result, answer } = setup();
    act(() => void result.current.send({ text: 'Hello there', attachments: [] }));
    await answer({ errors: [{ message: 'Sign in first.', extensions: { code: 'UNAUTHENTICATED' } }] });
    await waitFor(() => expect(result.current.state.pending[0]?.status).toBe('failed'));
    expect(result.current.state.pending[0].error).toBe('Your sign-in had expired. Try again.');
  });
});
