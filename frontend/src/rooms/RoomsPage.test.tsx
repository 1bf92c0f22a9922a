import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { RoomsPage } from './RoomsPage';
import { FALLBACK_POLL_MS } from './useRoomList';
import { SessionProvider } from '../auth/SessionContext';
import { SessionStore } from '../auth/session';
import { createTestClient, type RecordedCall } from '../test/apolloTestClient';
import { ORGANIZER, VENDOR } from '../test/factories';
import type { RoomListFieldsFragment } from '../gql/graphql';

const vendorName = (roomId: string) => (roomId === '1' ? VENDOR.username : `vendor${roomId}`);
const other = (username: string, id: string) => ({ __typename: 'User' as const, id, username, online: false });


function room(id: string, lastText: string | null, at: string, overrides: Partial<RoomListFieldsFragment> = {}) {
  const node: RoomListFieldsFragment = {
    id,
    createdAt: '2026-01-01T09:00:00Z',
    unreadCount: 0,
    organizer: { ...ORGANIZER, online: true },
    vendor: other(vendorName(id), `v${id}`),
    lastMessage: lastText
      ? { id: `m${id}-${at}`, text: lastText, messageType: 'TEXT', senderUsername: vendorName(id), createdAt: at, deletedAt: null, attachments: [] }
      : null,
    ...overrides,
  };
  return { __typename: 'ChatRoom', ...node, lastMessage: node.lastMessage && { __typename: 'Message', ...node.lastMessage } } as RoomListFieldsFragment;
}

const LIST = [room('1', 'hello', '2026-01-01T12:00:00Z'), room('2', 'older news', '2026-01-01T11:00:00Z')];

function renderPage() {
  window.localStorage.clear();
  const session = new SessionStore(window.localStorage);
  session.signIn({ token: 'not-a-jwt', refreshToken: 'r', user: { ...ORGANIZER, role: 'ORGANIZER' } });
  const harness = createTestClient((_call: RecordedCall) => ({
    data: { rooms: { __typename: 'ChatRoomConnection', edges: LIST.map((node) => ({ __typename: 'ChatRoomEdge', node })) } },
  }));
  render(
    <harness.Wrapper>
      <SessionProvider store={session}>
        <MemoryRouter>
          <RoomsPage />
        </MemoryRouter>
      </SessionProvider>
    </harness.Wrapper>,
  );
  return harness;
}

async function emit(harness: ReturnType<typeof createTestClient>, node: RoomListFieldsFragment) {
  await act(async () => {
    harness.subscriptions.simulateResult({ result: { data: { roomActivity: { __typename: 'RoomActivityEvent', room: node } } } });
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

const rows = () => screen.getAllByRole('link').map((link) => link.getAttribute('href'));
const roomsQueries = (calls: RecordedCall[]) => calls.filter((c) => c.operationName === 'Rooms');

afterEach(() => vi.useRealTimers());

describe('RoomsPage', () => {
  it('follows the inbox through one roomActivity subscription', async () => {
    const harness = renderPage();
    await screen.findByText('hello');
    await waitFor(() => expect(harness.subscriptions.operation?.operationName).toBe('RoomActivity'));
    expect(harness.subscriptions.operation?.variables).toEqual({});
  });

  it('moves a room with a new message to the top, with its preview and unread count', async () => {
    const harness = renderPage();
    await screen.findByText('hello');
    await waitFor(() => expect(harness.subscriptions.operation).toBeDefined());
    await emit(harness, room('2', 'are you free?', '2026-01-01T12:30:00Z', { unreadCount: 1 }));
    await waitFor(() => expect(rows()).toEqual(['/dm/2', '/dm/1']));
    const top = screen.getAllByRole('listitem')[0];
    expect(within(top).getByText('are you free?')).toBeInTheDocument();
    expect(within(top).getByLabelText('1 unread')).toBeInTheDocument();
  });

  it('adds a room that someone else started', async () => {
    const harness = renderPage();
    await screen.findByText('hello');
    await waitFor(() => expect(harness.subscriptions.operation).toBeDefined());
    await emit(harness, room('3', null, '', { createdAt: '2026-01-01T13:00:00Z' }));
    await waitFor(() => expect(rows()).toEqual(['/dm/3', '/dm/1', '/dm/2']));
    expect(screen.getByText('vendor3')).toBeInTheDocument();
  });

  it('polls the list only while the socket is down', async () => {
    const harness = renderPage();
    await screen.findByText('hello');
    await waitFor(() => expect(harness.subscriptions.operation).toBeDefined());
    act(() => harness.socketStatus.set('connected'));
    await waitFor(() => expect(roomsQueries(harness.calls)).toHaveLength(2)); // read again once subscribed
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    await act(async () => void vi.advanceTimersByTime(FALLBACK_POLL_MS * 3));
    expect(roomsQueries(harness.calls)).toHaveLength(2);

    act(() => harness.socketStatus.set('closed'));
    await act(async () => void vi.advanceTimersByTime(FALLBACK_POLL_MS + 10));
    vi.useRealTimers();
    await waitFor(() => expect(roomsQueries(harness.calls)).toHaveLength(3));
  });
});
