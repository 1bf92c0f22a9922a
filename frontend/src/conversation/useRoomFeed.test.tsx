import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, renderHook, waitFor } from '@testing-library/react';
import { useRoomFeed, POLL_INTERVAL_MS } from './useRoomFeed';
import { createTestClient, type RecordedCall } from '../test/apolloTestClient';
import { makeMessage, makePage, makeRoom, presenceOf, VENDOR } from '../test/factories';
import type { MessageFieldsFragment } from '../gql/graphql';

const ROOM = '12';
const event = (message: MessageFieldsFragment) => ({
  result: { data: { messageAdded: { __typename: 'MessageEvent', cursor: `c${message.id}`, message } } },
});
const warning = (code: 'REALTIME_UNAVAILABLE' | 'REALTIME_RESTORED') => ({
  result: { data: { messageAdded: { __typename: 'WarningEvent', code, detail: 'channel layer' } } },
});

/** History answers with messages 1-2; a poll after c2 answers with whatever `newer` holds. */
function setup(newer: MessageFieldsFragment[] = []) {
  const handler = (call: RecordedCall) => {
    if (call.operationName === 'Room') return makeRoom(ROOM);
    if (call.variables.after) return makePage(newer);
    return makePage([makeMessage(1), makeMessage(2)], { hasPreviousPage: true });
  };
  const harness = createTestClient(handler);
  const view = renderHook(() => useRoomFeed(ROOM), { wrapper: harness.Wrapper });
  return { ...harness, ...view };
}

/** Delivers one subscription result (MockSubscriptionLink sends on a zero timeout). */
async function emit(link: ReturnType<typeof createTestClient>['subscriptions'], ...results: object[]) {
  await act(async () => {
    results.forEach((result) => link.simulateResult(result));
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

/** Only intervals are faked: the poll runs on one; waitFor and the mocks keep real timeouts. */
const fakeIntervals = () => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });

/** waitFor for tests with faked intervals (waitFor polls on an interval itself). */
async function eventually(assertion: () => void, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await act(() => new Promise((resolve) => setTimeout(resolve, 10)));
    }
  }
}

const ids = (messages: MessageFieldsFragment[]) => messages.map((m) => m.id);
const polls = (calls: RecordedCall[]) => calls.filter((c) => c.operationName === 'Messages' && c.variables.after);
const rereads = (calls: RecordedCall[]) => calls.filter((c) => c.operationName === 'Messages' && !c.variables.after);

afterEach(() => vi.useRealTimers());

describe('useRoomFeed', () => {
  it('loads the newest page, then subscribes after its newest cursor', async () => {
    const { result, calls, subscriptions } = setup();
    await waitFor(() => expect(result.current.status).toBe('ready'));
    expect(calls.find((c) => c.operationName === 'Messages')?.variables).toMatchObject({ roomId: ROOM, last: 30 });
    expect(ids(result.current.state.messages)).toEqual(['1', '2']);
    await waitFor(() => expect(subscriptions.operation?.variables).toEqual({ roomId: ROOM, after: 'c2' }));
  });

  it('merges live events and drops the duplicates of messages it holds', async () => {
    const { result, subscriptions } = setup();
    await waitFor(() => expect(subscriptions.operation).toBeDefined());
    await emit(subscriptions, event(makeMessage(3)), event(makeMessage(2)), event(makeMessage(3)));
    expect(ids(result.current.state.messages)).toEqual(['1', '2', '3']);
  });

  it('polls every 8 s while the server reports realtime unavailable, and stops when restored', async () => {
    const { result, subscriptions, calls } = setup([makeMessage(3)]);
    await waitFor(() => expect(subscriptions.operation).toBeDefined());
    fakeIntervals();
    expect(result.current.degraded).toBe(false);

    await emit(subscriptions, warning('REALTIME_UNAVAILABLE'));
    expect(result.current.degraded).toBe(true);
    act(() => void vi.advanceTimersByTime(POLL_INTERVAL_MS - 1));
    expect(polls(calls)).toHaveLength(0);
    act(() => void vi.advanceTimersByTime(1));
    await eventually(() => expect(ids(result.current.state.messages)).toEqual(['1', '2', '3']));
    expect(polls(calls)[0].variables).toMatchObject({ roomId: ROOM, first: 100, after: 'c2' });

    await emit(subscriptions, warning('REALTIME_RESTORED'));
    expect(result.current.degraded).toBe(false);
    act(() => void vi.advanceTimersByTime(POLL_INTERVAL_MS * 3));
    expect(polls(calls)).toHaveLength(1);
  });

  it('reads the newest page again when realtime returns, picking up changes made meanwhile', async () => {
    let readMeanwhile = false;
    const harness = createTestClient((call: RecordedCall) => {
      if (call.operationName === 'Room') return makeRoom(ROOM);
      if (call.variables.after) return makePage([]);
      const second = makeMessage(2, readMeanwhile ? { readAt: '2026-01-01T12:05:00.000Z' } : {});
      return makePage([makeMessage(1), second]);
    });
    const { result } = renderHook(() => useRoomFeed(ROOM), { wrapper: harness.Wrapper });
    await waitFor(() => expect(harness.subscriptions.operation).toBeDefined());
    await emit(harness.subscriptions, warning('REALTIME_UNAVAILABLE'));
    readMeanwhile = true;
    await emit(harness.subscriptions, warning('REALTIME_RESTORED'));
    await waitFor(() => expect(result.current.state.messages[1].readAt).toBe('2026-01-01T12:05:00.000Z'));
    expect(rereads(harness.calls)).toHaveLength(2);
  });

  it('polls from the newest cursor it fetched, not from the first one', async () => {
    const { result, subscriptions, calls } = setup([makeMessage(3)]);
    await waitFor(() => expect(subscriptions.operation).toBeDefined());
    fakeIntervals();
    await emit(subscriptions, warning('REALTIME_UNAVAILABLE'));
    act(() => void vi.advanceTimersByTime(POLL_INTERVAL_MS));
    await eventually(() => expect(result.current.state.newestCursor).toBe('c3'));
    act(() => void vi.advanceTimersByTime(POLL_INTERVAL_MS));
    await eventually(() => expect(polls(calls)).toHaveLength(2));
    expect(polls(calls)[1].variables.after).toBe('c3');
    await act(() => new Promise((resolve) => setTimeout(resolve, 20))); // let the second poll land
  });

  it('degrades when the socket closes and recovers when it reconnects', async () => {
    const { result, subscriptions, socketStatus, calls } = setup([makeMessage(3)]);
    await waitFor(() => expect(subscriptions.operation).toBeDefined());
    fakeIntervals();
    act(() => socketStatus.set('connected'));
    act(() => socketStatus.set('closed'));
    expect(result.current.degraded).toBe(true);
    act(() => void vi.advanceTimersByTime(POLL_INTERVAL_MS));
    await eventually(() => expect(ids(result.current.state.messages)).toContain('3'));

    act(() => socketStatus.reconnected());
    expect(result.current.degraded).toBe(false);
    act(() => void vi.advanceTimersByTime(POLL_INTERVAL_MS * 2));
    expect(polls(calls)).toHaveLength(1);
    await eventually(() => expect(rereads(calls).length).toBeGreaterThan(1));
  });

  it('clears a warning when a new socket connects, and resumes after the newest cursor', async () => {
    const { result, subscriptions, socketStatus } = setup();
    await waitFor(() => expect(subscriptions.operation).toBeDefined());
    act(() => socketStatus.set('connected'));
    await emit(subscriptions, event(makeMessage(3)), warning('REALTIME_UNAVAILABLE'));
    expect(result.current.degraded).toBe(true);
    act(() => socketStatus.set('closed'));
    act(() => socketStatus.reconnected());
    expect(result.current.degraded).toBe(false);
    await waitFor(() => expect(subscriptions.operation?.variables).toEqual({ roomId: ROOM, after: 'c3' }));
  });

  it('re-reads the messages on screen when a new socket replaces a dropped one', async () => {
    let readMeanwhile = false;
    const harness = createTestClient((call: RecordedCall) =>
      call.operationName === 'Room'
        ? makeRoom(ROOM)
        : makePage([makeMessage(1), makeMessage(2, readMeanwhile ? { readAt: '2026-01-01T12:05:00.000Z' } : {})]),
    );
    const { result } = renderHook(() => useRoomFeed(ROOM), { wrapper: harness.Wrapper });
    await waitFor(() => expect(harness.subscriptions.operation).toBeDefined());
    act(() => harness.socketStatus.set('closed'));
    readMeanwhile = true;
    act(() => harness.socketStatus.reconnected());
    await waitFor(() => expect(result.current.state.messages[1].readAt).toBe('2026-01-01T12:05:00.000Z'));
    expect(rereads(harness.calls).at(-1)?.variables).toEqual({ roomId: ROOM, last: 30 });
  });

  it('reads both participants’ presence with the room, then follows PresenceEvents', async () => {
    const { result, subscriptions } = setup();
    await waitFor(() => expect(result.current.state.presence[VENDOR.id]).toEqual({ online: false, lastSeenAt: null }));
    await waitFor(() => expect(subscriptions.operation).toBeDefined());
    await emit(subscriptions, {
      result: { data: { messageAdded: { __typename: 'PresenceEvent', user: presenceOf(VENDOR, true) } } },
    });
    expect(result.current.state.presence[VENDOR.id]).toEqual({ online: true, lastSeenAt: null });
  });

  it('reads presence again when a new socket replaces a dropped one', async () => {
    let vendor = presenceOf(VENDOR, true);
    const harness = createTestClient((call: RecordedCall) => (call.operationName === 'Room' ? makeRoom(ROOM, vendor) : makePage([])));
    const { result } = renderHook(() => useRoomFeed(ROOM), { wrapper: harness.Wrapper });
    await waitFor(() => expect(result.current.state.presence[VENDOR.id]?.online).toBe(true));
    await waitFor(() => expect(result.current.status).toBe('ready'));
    act(() => harness.socketStatus.set('closed'));
    vendor = presenceOf(VENDOR, false, '2026-01-01T12:30:00+00:00');
    act(() => harness.socketStatus.reconnected());
    await waitFor(() =>
      expect(result.current.state.presence[VENDOR.id]).toEqual({ online: false, lastSeenAt: '2026-01-01T12:30:00+00:00' }),
    );
  });

  it('loads older pages before the oldest cursor', async () => {
    const { result, calls } = setup();
    await waitFor(() => expect(result.current.status).toBe('ready'));
    expect(result.current.state.hasOlder).toBe(true);
    await act(() => result.current.loadOlder());
    expect(calls.at(-1)?.variables).toMatchObject({ roomId: ROOM, last: 30, before: 'c1' });
  });
});
