/** Blocking in the conversation: Block with its confirmation, the note that replaces the composer, Unblock, live. */
import { describe, expect, it } from 'vitest';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { ConversationPage } from './ConversationPage';
import { SessionProvider } from '../auth/SessionContext';
import { SessionStore } from '../auth/session';
import { createTestClient, type RecordedCall } from '../test/apolloTestClient';
import { makeConversationRoom, makeMessage, makePage, makeRoom, OPEN, ORGANIZER, presenceOf, VENDOR, type BlockState } from '../test/factories';

const ROOM = '12';
const BLOCKED = 'This conversation is blocked: nothing can be sent in it.';
const BY_ME: BlockState = { blocked: true, blockedByMe: true };
const BY_THEM: BlockState = { blocked: true, blockedByMe: false };

interface Options {
  me?: typeof ORGANIZER | typeof VENDOR;
  block?: BlockState;
  /** What the Room query answers from its second read on (the first answers `block`). */
  later?: BlockState;
  refuseSend?: boolean;
}

function renderPage({ me = ORGANIZER, block = OPEN, later, refuseSend = false }: Options = {}) {
  window.localStorage.clear();
  const session = new SessionStore(window.localStorage);
  session.signIn({ token: 'not-a-jwt', refreshToken: 'r', user: { ...me, role: me === VENDOR ? 'VENDOR' : 'ORGANIZER' } });
  let roomReads = 0;
  const room = (state: BlockState) => makeConversationRoom(ROOM, presenceOf(VENDOR), state);
  const harness = createTestClient((call: RecordedCall) => {
    switch (call.operationName) {
      case 'Room':
        roomReads += 1;
        return makeRoom(ROOM, presenceOf(VENDOR), roomReads > 1 && later ? later : block);
      case 'Messages':
        return makePage([makeMessage(1, { text: 'Hello from bkirk' })]);
      case 'BlockUser':
        return { data: { blockUser: room(BY_ME) } };
      case 'UnblockUser':
        return { data: { unblockUser: room(OPEN) } };
      case 'SendMessage':
        return refuseSend
          ? { errors: [{ message: BLOCKED, extensions: { code: 'FORBIDDEN' } }] }
          : { data: { sendMessage: makeMessage(2, { text: 'Hi!', sender: me, clientId: String(call.variables.clientId) }) } };
      default:
        return { data: null };
    }
  });
  render(
    <harness.Wrapper>
      <SessionProvider store={session}>
        <MemoryRouter>
          <ConversationPage roomId={ROOM} />
        </MemoryRouter>
      </SessionProvider>
    </harness.Wrapper>,
  );
  return harness;
}

function composerShown(shown: boolean) {
  for (const query of [() => screen.queryByLabelText('Message'), () => screen.queryByLabelText('Attach'), () => screen.queryByRole('button', { name: 'Send' })]) {
    if (shown) expect(query()).toBeInTheDocument();
    else expect(query()).not.toBeInTheDocument();
  }
}

describe('Blocking in the conversation', () => {
  it('asks before blocking; Cancel blocks nobody', async () => {
    const { calls } = renderPage();
    await userEvent.click(await screen.findByRole('button', { name: 'Block' }));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog).toHaveTextContent('Block bkirk?');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(calls.some((c) => c.operationName === 'BlockUser')).toBe(false);
    composerShown(true);
  });

  it('blocks once confirmed and puts the blocker’s note, with Unblock, in place of the composer', async () => {
    const { calls } = renderPage();
    await userEvent.click(await screen.findByRole('button', { name: 'Block' }));
    await userEvent.click(screen.getByRole('button', { name: 'Yes, block' }));
    expect(await screen.findByText('You blocked bkirk. Unblock to send messages.')).toBeInTheDocument();
    expect(calls.find((c) => c.operationName === 'BlockUser')?.variables).toEqual({ username: 'bkirk' });
    composerShown(false);
    expect(screen.getByRole('button', { name: 'Unblock' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Block' })).not.toBeInTheDocument();
    // History stays readable.
    expect(screen.getByText('Hello from bkirk')).toBeInTheDocument();
  });

  it('unblocks and gives the composer back', async () => {
    const { calls } = renderPage({ block: BY_ME });
    await userEvent.click(await screen.findByRole('button', { name: 'Unblock' }));
    expect(await screen.findByLabelText('Message')).toBeInTheDocument();
    expect(calls.find((c) => c.operationName === 'UnblockUser')?.variables).toEqual({ username: 'bkirk' });
    composerShown(true);
    expect(screen.queryByRole('button', { name: 'Unblock' })).not.toBeInTheDocument();
  });

  it('tells the blocked side only that nothing can be sent, with no Unblock', async () => {
    renderPage({ block: BY_THEM });
    expect(await screen.findByText("You can't send messages in this conversation.")).toBeInTheDocument();
    composerShown(false);
    expect(screen.queryByRole('button', { name: 'Unblock' })).not.toBeInTheDocument();
    // They may still block the other side themselves.
    expect(screen.getByRole('button', { name: 'Block' })).toBeInTheDocument();
  });

  it('hides the vendor’s bid form too', async () => {
    renderPage({ me: VENDOR, block: BY_THEM });
    expect(await screen.findByText("You can't send messages in this conversation.")).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Make a bid' })).not.toBeInTheDocument();
  });

  it('turns the composer into the note when the other side blocks, live, and back when they unblock', async () => {
    const { activity } = renderPage();
    await screen.findByLabelText('Message');
    await waitFor(() => expect(activity.operation).toBeDefined());
    const event = (id: string, block: BlockState) => ({
      result: { data: { roomActivity: { __typename: 'RoomActivityEvent', room: makeConversationRoom(id, presenceOf(VENDOR), block) } } },
    });
    await act(async () => {
      activity.simulateResult(event('99', BY_THEM)); // another room of mine: not this one's business
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    composerShown(true);
    await act(async () => {
      activity.simulateResult(event(ROOM, BY_THEM));
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(await screen.findByText("You can't send messages in this conversation.")).toBeInTheDocument();
    composerShown(false);
    await act(async () => {
      activity.simulateResult(event(ROOM, OPEN));
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(await screen.findByLabelText('Message')).toBeInTheDocument();
    composerShown(true);
  });

  it('shows the other side’s presence as the activity event brings it', async () => {
    const { activity } = renderPage();
    await screen.findByLabelText('Message');
    await waitFor(() => expect(activity.operation).toBeDefined());
    await act(async () => {
      activity.simulateResult({
        result: {
          data: {
            roomActivity: { __typename: 'RoomActivityEvent', room: makeConversationRoom(ROOM, presenceOf(VENDOR, true), OPEN) },
          },
        },
      });
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    await waitFor(() => expect(screen.getByTestId('presence')).toHaveTextContent('online'));
  });

  it('explains a send refused because the room was blocked meanwhile, keeps the text and reads the room again', async () => {
    const { calls } = renderPage({ refuseSend: true, later: BY_THEM });
    await userEvent.type(await screen.findByLabelText('Message'), 'Are you still there?');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(BLOCKED);
    // The text is kept, with Retry, in the message that was not sent.
    const failed = screen.getByText('Are you still there?').closest('li')!;
    expect(within(failed).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(await screen.findByText("You can't send messages in this conversation.")).toBeInTheDocument();
    expect(calls.filter((c) => c.operationName === 'Room').length).toBeGreaterThan(1);
  });
});
