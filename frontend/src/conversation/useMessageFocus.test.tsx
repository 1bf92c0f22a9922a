import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { ConversationPage } from './ConversationPage';
import { HIGHLIGHT_MS } from './useMessageFocus';
import { SessionProvider } from '../auth/SessionContext';
import { SessionStore } from '../auth/session';
import { createTestClient, type RecordedCall } from '../test/apolloTestClient';
import { makeMessage, makePage, makeRoom, ORGANIZER } from '../test/factories';

const ROOM = '12';
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => makeMessage(from + i));

/** Three pages of history, newest first: 61–90, then 31–60, then 1–30. */
function history(call: RecordedCall) {
  switch (call.variables.before) {
    case undefined:
    case null:
      return makePage(range(61, 90), { hasPreviousPage: true });
    case 'c61':
      return makePage(range(31, 60), { hasPreviousPage: true });
    default:
      return makePage(range(1, 30));
  }
}

function renderAt(focusMessageId: string) {
  window.localStorage.clear();
  const session = new SessionStore(window.localStorage);
  session.signIn({ token: 'not-a-jwt', refreshToken: 'r', user: { ...ORGANIZER, role: 'ORGANIZER' } });
  const harness = createTestClient((call) => {
    if (call.operationName === 'Room') return makeRoom(ROOM);
    if (call.operationName === 'Messages') return history(call);
    return { data: null };
  });
  render(
    <harness.Wrapper>
      <SessionProvider store={session}>
        <MemoryRouter>
          <ConversationPage roomId={ROOM} focusMessageId={focusMessageId} />
        </MemoryRouter>
      </SessionProvider>
    </harness.Wrapper>,
  );
  return harness;
}

const scrolled: Element[] = [];
beforeEach(() => {
  scrolled.length = 0;
  // jsdom lays nothing out; what matters is which element was asked to come into view.
  Element.prototype.scrollIntoView = vi.fn(function (this: Element) {
    scrolled.push(this);
  });
});
afterEach(() => vi.useRealTimers());

const befores = (calls: RecordedCall[]) => calls.filter((c) => c.operationName === 'Messages').map((c) => c.variables.before ?? null);

describe('opening a conversation at a message', () => {
  it('loads older pages one by one until the message is there, then scrolls to it and highlights it', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { calls } = renderAt('5');
    const target = await screen.findByText('message 5');
    const item = target.closest('li')!;
    await waitFor(() => expect(item).toHaveAttribute('aria-current', 'true'));
    expect(item).toHaveClass('highlighted');
    expect(scrolled).toEqual([item]);
    expect(befores(calls)).toEqual([null, 'c61', 'c31']);
    expect(document.querySelectorAll('[aria-current="true"]')).toHaveLength(1);

    act(() => vi.advanceTimersByTime(HIGHLIGHT_MS));
    expect(item).not.toHaveAttribute('aria-current');
    expect(item).not.toHaveClass('highlighted');
    expect(scrolled).toHaveLength(1);
  });

  it('loads nothing more when the message is on the first page', async () => {
    const { calls } = renderAt('88');
    const item = (await screen.findByText('message 88')).closest('li')!;
    await waitFor(() => expect(item).toHaveAttribute('aria-current', 'true'));
    expect(befores(calls)).toEqual([null]);
  });

  it('says so when the whole history is loaded and the message is not in it', async () => {
    const { calls } = renderAt('999');
    expect(await screen.findByText('That message is no longer in this conversation.')).toBeInTheDocument();
    expect(befores(calls)).toEqual([null, 'c61', 'c31']);
    expect(document.querySelector('[aria-current="true"]')).toBeNull();
  });
});
