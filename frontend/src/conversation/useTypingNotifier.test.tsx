import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, renderHook, waitFor } from '@testing-library/react';
import { TYPING_RENEW_MS, useTypingNotifier } from './useTypingNotifier';
import { createTestClient } from '../test/apolloTestClient';

function setup() {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 0, 1, 12) });
  const harness = createTestClient(() => ({ data: { setTyping: true } }));
  const view = renderHook(() => useTypingNotifier('12'), { wrapper: harness.Wrapper });
  const sent = () => harness.calls.map((c) => c.variables.typing);
  return { ...harness, ...view, sent };
}

afterEach(() => vi.useRealTimers());

describe('useTypingNotifier', () => {
  it('says typing once per 3 s however many keys are pressed', async () => {
    const { result, sent } = setup();
    for (const text of ['H', 'He', 'Hel', 'Hell']) act(() => result.current.onDraftChange(text));
    await waitFor(() => expect(sent()).toEqual([true]));
    vi.setSystemTime(Date.now() + TYPING_RENEW_MS - 1);
    act(() => result.current.onDraftChange('Hello'));
    vi.setSystemTime(Date.now() + 1);
    act(() => result.current.onDraftChange('Hello!'));
    await waitFor(() => expect(sent()).toEqual([true, true]));
  });

  it('says stopped when the draft is cleared, and only once', async () => {
    const { result, sent } = setup();
    act(() => result.current.onDraftChange('Hi'));
    act(() => result.current.onDraftChange(''));
    act(() => result.current.onDraftChange('  '));
    await waitFor(() => expect(sent()).toEqual([true, false]));
  });

  it('says stopped on send, and nothing when it never said typing', async () => {
    const { result, sent, calls } = setup();
    act(() => result.current.stop());
    expect(calls).toHaveLength(0);
    act(() => result.current.onDraftChange('Hi'));
    act(() => result.current.stop());
    await waitFor(() => expect(sent()).toEqual([true, false]));
  });

  it('says stopped when the conversation is left while typing', async () => {
    const { result, sent, unmount } = setup();
    act(() => result.current.onDraftChange('Hi'));
    unmount();
    await waitFor(() => expect(sent()).toEqual([true, false]));
  });
});
