/**
 * The signed-in session: tokens kept in localStorage (so a reload stays signed in), the
 * access token refreshed before it expires, and listeners told when it rotates.
 * Refresh tokens rotate on use, so refreshes are single-flight, and serialised across tabs
 * with a Web Lock where the browser has one.
 */
import { tokenExpiresAt } from './jwt';

export interface SessionUser {
  id: string;
  username: string;
  role: 'ORGANIZER' | 'VENDOR' | null;
}

export interface Session {
  token: string;
  refreshToken: string;
  user: SessionUser;
  /** When the access token expires (ms since epoch). */
  expiresAt: number;
}

/** Thrown by a refresher when the server refused the refresh token (revoked, rotated, expired). */
export class RefreshRejectedError extends Error {}

export type Refresher = (refreshToken: string) => Promise<Omit<Session, 'expiresAt'>>;

const STORAGE_KEY = 'parley.session';
/** Refresh this long before expiry; access tokens last 15 minutes. */
export const REFRESH_MARGIN_MS = 60_000;
const ASSUMED_LIFETIME_MS = 15 * 60_000;
const RETRY_AFTER_NETWORK_ERROR_MS = 10_000;

export function toSession(payload: Omit<Session, 'expiresAt'>, now = Date.now()): Session {
  return { ...payload, expiresAt: tokenExpiresAt(payload.token) ?? now + ASSUMED_LIFETIME_MS };
}

export class SessionStore {
  private session: Session | null;
  private readonly listeners = new Set<() => void>();
  private readonly rotationListeners = new Set<(session: Session) => void>();
  private refresher: Refresher | null = null;
  private inflight: Promise<Session | null> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly storage: Storage = window.localStorage,
    private readonly now: () => number = Date.now,
  ) {
    this.session = this.readStored();
  }

  /** Starts the refresh timer and follows sign-ins, rotations and sign-outs of other tabs. */
  start(refresher: Refresher): () => void {
    this.refresher = refresher;
    this.schedule();
    const onStorage = (event: StorageEvent) => {
      if (event.key === STORAGE_KEY) this.adopt(this.readStored());
    };
    window.addEventListener('storage', onStorage);
    return () => {
      window.removeEventListener('storage', onStorage);
      clearTimeout(this.timer);
    };
  }

  getSnapshot = (): Session | null => this.session;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Called after each successful refresh, with the new tokens (to reconnect the socket). */
  onRotate(listener: (session: Session) => void): () => void {
    this.rotationListeners.add(listener);
    return () => this.rotationListeners.delete(listener);
  }

  signIn(payload: Omit<Session, 'expiresAt'>): void {
    this.set(toSession(payload, this.now()));
  }

  clear(): void {
    this.set(null);
  }

  /** A usable access token: refreshed first when it is about to expire. */
  async accessToken(): Promise<string | null> {
    const current = this.session;
    if (!current) return null;
    if (current.expiresAt - this.now() > REFRESH_MARGIN_MS) return current.token;
    const refreshed = await this.refresh();
    return refreshed?.token ?? null;
  }

  /** Rotates the tokens now (single-flight). Resolves to null when signed out. */
  refresh(): Promise<Session | null> {
    this.inflight ??= this.withLock(() => this.rotate()).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async rotate(): Promise<Session | null> {
    const before = this.session;
    // Another tab may have rotated while we waited for the lock: its tokens are ours too.
    const stored = this.readStored();
    if (stored && before && stored.refreshToken !== before.refreshToken) {
      this.adopt(stored);
      if (stored.expiresAt - this.now() > REFRESH_MARGIN_MS) return stored;
    }
    const current = this.session;
    if (!current || !this.refresher) return null;
    try {
      const next = toSession(await this.refresher(current.refreshToken), this.now());
      this.set(next);
      this.rotationListeners.forEach((listener) => listener(next));
      return next;
    } catch (error) {
      if (error instanceof RefreshRejectedError) {
        this.set(null);
        return null;
      }
      // Offline or server down: keep the session and try again shortly.
      this.schedule(RETRY_AFTER_NETWORK_ERROR_MS);
      return this.session;
    }
  }

  private withLock<T>(task: () => Promise<T>): Promise<T> {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (!locks) return task();
    return locks.request('parley-token-refresh', task) as Promise<T>;
  }

  private adopt(session: Session | null): void {
    if (session?.token === this.session?.token) return;
    this.session = session;
    this.schedule();
    this.emit();
  }

  private set(session: Session | null): void {
    this.session = session;
    if (session) this.storage.setItem(STORAGE_KEY, JSON.stringify(session));
    else this.storage.removeItem(STORAGE_KEY);
    this.schedule();
    this.emit();
  }

  private schedule(delay?: number): void {
    clearTimeout(this.timer);
    if (!this.session || !this.refresher) return;
    const due = delay ?? Math.max(0, this.session.expiresAt - REFRESH_MARGIN_MS - this.now());
    // setTimeout overflows past 2^31 ms; re-check at least daily.
    this.timer = setTimeout(() => void this.refresh(), Math.min(due, 86_400_000));
  }

  private emit(): void {
    this.listeners.forEach((listener) => listener());
  }

  private readStored(): Session | null {
    try {
      const raw = this.storage.getItem(STORAGE_KEY);
      if (!raw) return null;
      const parsed = JSON.parse(raw) as Partial<Session>;
      if (!parsed.token || !parsed.refreshToken || !parsed.user) return null;
      return toSession(parsed as Omit<Session, 'expiresAt'>, this.now());
    } catch {
      return null;
    }
  }
}
