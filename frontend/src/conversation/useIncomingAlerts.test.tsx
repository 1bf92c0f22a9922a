import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderHook } from '@testing-library/react';
import { useIncomingAlerts } from './useIncomingAlerts';
import { TabAttention } from '../app/tabAttention';
import { makeMessage, ORGANIZER } from '../test/factories';
import type { FeedMessage } from './feedState';

afterEach(() => vi.restoreAllMocks());

function setup(initial: FeedMessage[], loaded = true) {
  const attention = new TabAttention({ document: { visibilityState: 'hidden', title: 'Parley', addEventListener: () => {} } });
  const noted = vi.spyOn(attention, 'noteIncoming');
  const view = renderHook(
    ({ messages, isLoaded }) => useIncomingAlerts(messages, { roomId: '12', myId: ORGANIZER.id, loaded: isLoaded, attention }),
    { initialProps: { messages: initial, isLoaded: loaded } },
  );
  const ids = () => noted.mock.calls.map(([message]) => message.id);
  return { ...view, ids };
}

describe('useIncomingAlerts', () => {
  it('alerts for messages newer than the history it loaded, from the other side only', () => {
    const history = [makeMessage(1), makeMessage(2)];
    const { rerender, ids } = setup(history);
    expect(ids()).toEqual([]);
    rerender({ messages: [...history, makeMessage(3), makeMessage(4, { sender: ORGANIZER })], isLoaded: true });
    expect(ids()).toEqual(['3']);
  });

  it('does not alert for older pages loaded above', () => {
    const { rerender, ids } = setup([makeMessage(5)]);
    rerender({ messages: [makeMessage(1), makeMessage(2), makeMessage(5)], isLoaded: true });
    expect(ids()).toEqual([]);
  });

  it('alerts for the first message of an empty conversation', () => {
    const { rerender, ids } = setup([]);
    rerender({ messages: [makeMessage(1)], isLoaded: true });
    expect(ids()).toEqual(['1']);
  });
});
