import { afterEach, describe, expect, it } from 'vitest';
import { act, renderHook } from '@testing-library/react';
import { useUnreadMarker } from './useUnreadMarker';
import { makeMessage, ORGANIZER } from '../test/factories';
import { setPageVisible } from '../test/visibility';
import type { FeedMessage } from './feedState';

const READ = '2026-01-01T13:00:00Z';
const ME = ORGANIZER.id;

function render(initial: FeedMessage[], loaded = true) {
  return renderHook(({ messages, isLoaded }) => useUnreadMarker(messages, ME, isLoaded), {
    initialProps: { messages: initial, isLoaded: loaded },
  });
}

afterEach(() => setPageVisible(true));

describe('useUnreadMarker', () => {
  it('marks the first message of the other side unread on arrival, and keeps it once read', () => {
    const unread = [makeMessage(1, { readAt: READ }), makeMessage(2), makeMessage(3)];
    const { result, rerender } = render(unread);
    expect(result.current).toBe('2');
    rerender({ messages: unread.map((m) => ({ ...m, readAt: READ })), isLoaded: true });
    expect(result.current).toBe('2');
  });

  it('marks nothing when all was read, and nothing for messages arriving while looking', () => {
    const { result, rerender } = render([makeMessage(1, { readAt: READ })]);
    expect(result.current).toBeNull();
    rerender({ messages: [makeMessage(1, { readAt: READ }), makeMessage(2)], isLoaded: true });
    expect(result.current).toBeNull();
  });

  it('ignores your own unread messages', () => {
    const { result } = render([makeMessage(1, { sender: ORGANIZER })]);
    expect(result.current).toBeNull();
  });

  it('marks the first message that arrived while the tab was hidden', () => {
    const seen = [makeMessage(1, { readAt: READ })];
    const { result, rerender } = render(seen);
    act(() => setPageVisible(false));
    rerender({ messages: [...seen, makeMessage(2), makeMessage(3)], isLoaded: true });
    expect(result.current).toBe('2');
    act(() => setPageVisible(true));
    expect(result.current).toBe('2');
  });

  it('waits for history before deciding', () => {
    const { result, rerender } = render([], false);
    expect(result.current).toBeNull();
    rerender({ messages: [makeMessage(1)], isLoaded: true });
    expect(result.current).toBe('1');
  });
});
