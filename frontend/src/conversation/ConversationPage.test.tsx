import { describe, expect, it } from 'vitest';
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { ConversationPage } from './ConversationPage';
import { SessionProvider } from '../auth/SessionContext';
import { SessionStore } from '../auth/session';
import { createTestClient, type RecordedCall } from '../test/apolloTestClient';
import { makeMessage, makePage, makeRoom, ORGANIZER, presenceOf, VENDOR } from '../test/factories';

const ROOM = '12';

function renderPage(history = [makeMessage(1, { text: 'Hello from bkirk' })]) {
  window.localStorage.clear();
  const session = new SessionStore(window.localStorage);
  session.signIn({ token: 'not-a-jwt', refreshToken: 'r', user: { ...ORGANIZER, role: 'ORGANIZER' } });
  const harness = createTestClient((call: RecordedCall) => {
    switch (call.operationName) {
      case 'Room':
        return makeRoom(ROOM);
      case 'Messages':
        return makePage(history);
      case 'SendMessage':
        return { data: { sendMessage: makeMessage(2, { text: 'Hi!', sender: ORGANIZER, clientId: String(call.variables.clientId) }) } };
      case 'MarkRead':
        return {
          data: { markRead: { __typename: 'ReadReceiptEvent', messageId: '1', readAt: '2026-01-01T12:01:00Z', reader: ORGANIZER } },
        };
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

describe('ConversationPage', () => {
  it('has the accessible names the browser tests rely on', async () => {
    renderPage();
    expect(await screen.findByText('Hello from bkirk')).toBeInTheDocument();
    expect(screen.getByRole('log')).toBeInTheDocument();
    expect(screen.getByLabelText('Message')).toBeInTheDocument();
    expect(screen.getByLabelText('Attach')).toHaveAttribute('type', 'file');
    expect(screen.getByRole('button', { name: 'Send' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Refresh' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'bkirk' })).toBeInTheDocument();
  });

  it('sends a message and shows it in the log', async () => {
    const { calls } = renderPage();
    await screen.findByText('Hello from bkirk');
    await userEvent.type(screen.getByLabelText('Message'), 'Hi!');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByText('Hi!')).toBeInTheDocument();
    await waitFor(() => expect(calls.some((c) => c.operationName === 'SendMessage')).toBe(true));
  });

  it('shows an alert banner while the server reports realtime unavailable', async () => {
    const { subscriptions } = renderPage();
    await screen.findByText('Hello from bkirk');
    await waitFor(() => expect(subscriptions.operation).toBeDefined());
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    await act(async () => {
      subscriptions.simulateResult({
        result: { data: { messageAdded: { __typename: 'WarningEvent', code: 'REALTIME_UNAVAILABLE', detail: 'Redis' } } },
      });
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(screen.getByRole('alert')).toHaveTextContent(/unavailable/i);
    await act(async () => {
      subscriptions.simulateResult({
        result: { data: { messageAdded: { __typename: 'WarningEvent', code: 'REALTIME_RESTORED', detail: '' } } },
      });
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('marks the other side’s messages read while on screen, once', async () => {
    const { calls } = renderPage();
    await screen.findByText('Hello from bkirk');
    await waitFor(() => expect(calls.filter((c) => c.operationName === 'MarkRead')).toHaveLength(1));
    expect(calls.find((c) => c.operationName === 'MarkRead')?.variables).toEqual({ roomId: ROOM, upToMessageId: '1' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls.filter((c) => c.operationName === 'MarkRead')).toHaveLength(1);
  });

  it('says who is typing in a status element while their TypingEvent holds', async () => {
    const { subscriptions } = renderPage();
    await screen.findByText('Hello from bkirk');
    await waitFor(() => expect(subscriptions.operation).toBeDefined());
    const typing = (on: boolean) => ({
      result: { data: { messageAdded: { __typename: 'TypingEvent', typing: on, user: VENDOR } } },
    });
    await act(async () => {
      subscriptions.simulateResult(typing(true));
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(screen.getByRole('status')).toHaveTextContent('bkirk is typing…');
    await act(async () => {
      subscriptions.simulateResult(typing(false));
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(screen.getByRole('status')).toBeEmptyDOMElement();
  });

  it('shows the other participant’s presence in the header, live', async () => {
    const { subscriptions } = renderPage();
    await screen.findByText('Hello from bkirk');
    expect(await screen.findByText('offline')).toBeInTheDocument();
    await waitFor(() => expect(subscriptions.operation).toBeDefined());
    await act(async () => {
      subscriptions.simulateResult({
        result: { data: { messageAdded: { __typename: 'PresenceEvent', user: presenceOf(VENDOR, true) } } },
      });
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(screen.getByTestId('presence')).toHaveTextContent('online');
  });

  it('says “No messages yet” in an empty conversation', async () => {
    renderPage([]);
    expect(await screen.findByText('No messages yet')).toBeInTheDocument();
  });
});
