import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RefreshRejectedError, REFRESH_MARGIN_MS, SessionStore, type Refresher } from './session';

const USER = { id: '1', username: 'tfuller', role: 'ORGANIZER' as const };
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

/** An unsigned JWT whose only claim that matters here is `exp`. */
function jwt(expiresInMs: number, label = 'a'): string {
  const encode = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${encode({ alg: 'HS256' })}.${encode({ exp: Math.floor((NOW + expiresInMs) / 1000), label })}.sig`;
}

function signedInStore(expiresInMs: number, refresher: Refresher) {
  const store = new SessionStore(window.localStorage, Date.now);
  store.signIn({ token: jwt(expiresInMs), refreshToken: 'refresh-1', user: USER });
  const stop = store.start(refresher);
  return { store, stop };
}

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  window.localStorage.clear();
});
afterEach(() => vi.useRealTimers());

describe('SessionStore', () => {
  it('survives a reload: a new store reads the saved session', () => {
    signedInStore(15 * 60_000, vi.fn());
    const reloaded = new SessionStore(window.localStorage, Date.now);
    expect(reloaded.getSnapshot()?.user.username).toBe('tfuller');
    expect(reloaded.getSnapshot()?.expiresAt).toBe(NOW + 15 * 60_000);
  });

  it('uses the access token while it has time left', async () => {
    const refresher = vi.fn();
    const { store } = signedInStore(15 * 60_000, refresher);
    expect(await store.accessToken()).toBe(jwt(15 * 60_000));
    expect(refresher).not.toHaveBeenCalled();
  });

  it('refreshes once, for all callers, when the token is about to expire, and rotates both tokens', async () => {
    const next = { token: jwt(30 * 60_000, 'b'), refreshToken: 'refresh-2', user: USER };
    const refresher = vi.fn<Refresher>().mockResolvedValue(next);
    const { store } = signedInStore(REFRESH_MARGIN_MS - 1, refresher);
    const rotated = vi.fn();
    store.onRotate(rotated);

    const tokens = await Promise.all([store.accessToken(), store.accessToken(), store.accessToken()]);
    expect(tokens).toEqual([next.token, next.token, next.token]);
    expect(refresher).toHaveBeenCalledTimes(1);
    expect(refresher).toHaveBeenCalledWith('refresh-1');
    expect(rotated).toHaveBeenCalledWith(expect.objectContaining({ refreshToken: 'refresh-2' }));
    expect(JSON.parse(window.localStorage.getItem('parley.session')!).refreshToken).toBe('refresh-2');
  });

  it('refreshes on a timer a minute before expiry', async () => {
    const refresher = vi.fn<Refresher>().mockResolvedValue({ token: jwt(30 * 60_000, 'b'), refreshToken: 'refresh-2', user: USER });
    signedInStore(15 * 60_000, refresher);
    await vi.advanceTimersByTimeAsync(15 * 60_000 - REFRESH_MARGIN_MS - 1);
    expect(refresher).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(refresher).toHaveBeenCalledTimes(1);
  });

  it('signs out when the server refuses the refresh token', async () => {
    const refresher = vi.fn<Refresher>().mockRejectedValue(new RefreshRejectedError('revoked'));
    const { store } = signedInStore(0, refresher);
    expect(await store.accessToken()).toBeNull();
    expect(store.getSnapshot()).toBeNull();
    expect(window.localStorage.getItem('parley.session')).toBeNull();
  });

  it('keeps the session through a network failure and tries again', async () => {
    const refresher = vi
      .fn<Refresher>()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce({ token: jwt(30 * 60_000, 'b'), refreshToken: 'refresh-2', user: USER });
    const { store } = signedInStore(REFRESH_MARGIN_MS - 1, refresher);
    await store.refresh();
    expect(store.getSnapshot()?.refreshToken).toBe('refresh-1');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(refresher).toHaveBeenCalledTimes(2);
    expect(store.getSnapshot()?.refreshToken).toBe('refresh-2');
  });
});
