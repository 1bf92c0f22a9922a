/** React access to the session: who is signed in, sign in, sign out. */
import { createContext, useCallback, useContext, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { useApolloClient } from '@apollo/client/react';
import type { Session, SessionStore } from './session';
import { registerAccount, requestTokens, revokeRefreshToken, type Registration } from './authApi';

interface SessionApi {
  store: SessionStore;
  session: Session | null;
  signIn(username: string, password: string): Promise<void>;
  /** Creates the account and signs it in. */
  register(registration: Registration): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ store, children }: { store: SessionStore; children: ReactNode }) {
  const client = useApolloClient();
  const session = useSyncExternalStore(store.subscribe, store.getSnapshot);

  const signIn = useCallback(
    async (username: string, password: string) => {
      store.signIn(await requestTokens(client, username, password));
    },
    [client, store],
  );

  const register = useCallback(
    async (registration: Registration) => {
      store.signIn(await registerAccount(client, registration));
    },
    [client, store],
  );

  const signOut = useCallback(async () => {
    const refreshToken = store.getSnapshot()?.refreshToken;
    try {
      if (refreshToken) await revokeRefreshToken(client, refreshToken);
    } catch {
      // Signing out locally must work offline; the token then simply expires on the server.
    }
    store.clear();
    await client.clearStore();
  }, [client, store]);

  const value = useMemo(
    () => ({ store, session, signIn, register, signOut }),
    [store, session, signIn, register, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession needs a SessionProvider');
  return value;
}

/** The signed-in user; only for pages behind RequireAuth. */
export function useCurrentUser(): Session['user'] {
  const { session } = useSession();
  if (!session) throw new Error('useCurrentUser needs a signed-in session');
  return session.user;
}
