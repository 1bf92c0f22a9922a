/**
 * The one Apollo client of the app: HTTP for queries and mutations, a graphql-ws socket for
 * subscriptions, both authenticated with the session's access token. The socket reconnects
 * with the new token whenever the session rotates, and reports its state to SocketStatusStore.
 */
import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient, type Client } from 'graphql-ws';
import { OperationTypeNode } from 'graphql';
import type { SessionStore } from '../auth/session';
import { SocketStatusStore } from './socketStatus';
import { GRAPHQL_PATH, graphqlWsUrl } from './endpoints';
import introspection from '../gql/possibleTypes';

declare module '@apollo/client' {
  interface DefaultContext {
    /** Send without the Authorization header (sign-in and token rotation). */
    anonymous?: boolean;
  }
}

/** Close code the server uses for a missing, invalid or expired token. */
const FORBIDDEN = 4403;
/** Close code we use to drop a socket whose token has just been replaced. */
const TOKEN_ROTATED = 4205;
/** Close code we use to drop a socket whose user signed out (or another took the tab over). */
const SIGNED_OUT = 4206;
const MAX_RETRY_WAIT_MS = 10_000;
const LAZY_CLOSE_MS = 3_000;

export interface ParleyClient {
  client: ApolloClient;
  socketStatus: SocketStatusStore;
  /** Closes the socket for good (sign-out, tests). */
  dispose(): void;
}

export function graphqlHttpUrl(): string {
  return GRAPHQL_PATH;
}

export interface ParleyClientOptions {
  /** Where the socket connects; the page's own origin by default. */
  wsUrl?: () => string;
}

export function createParleyClient(session: SessionStore, options: ParleyClientOptions = {}): ParleyClient {
  const socketStatus = new SocketStatusStore();
  const wsUrl = options.wsUrl ?? (() => graphqlWsUrl(window.location));
  const wsClient = createSocketClient(session, socketStatus, wsUrl);

  const authLink = new SetContextLink(async (context) => {
    if (context.anonymous) return {};
    const token = await session.accessToken();
    return token ? { headers: { ...context.headers, Authorization: `Bearer ${token}` } } : {};
  });

  // A token the server no longer accepts: try one rotation; if that is refused the session
  // is cleared and the router sends the user to /login.
  const errorLink = new ErrorLink(({ error, operation }) => {
    if (operation.getContext().anonymous || !CombinedGraphQLErrors.is(error)) return;
    if (error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) void session.refresh();
  });

  const httpChain = ApolloLink.from([errorLink, authLink, new HttpLink({ uri: graphqlHttpUrl() })]);
  const link = ApolloLink.split(
    (operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION,
    new GraphQLWsLink(wsClient),
    httpChain,
  );

  const client = new ApolloClient({
    link,
    cache: new InMemoryCache({ possibleTypes: introspection.possibleTypes }),
  });

  return {
    client,
    socketStatus,
    dispose() {
      void wsClient.dispose();
      socketStatus.set('idle');
    },
  };
}

function createSocketClient(session: SessionStore, status: SocketStatusStore, url: () => string): Client {
  let activeSocket: WebSocket | null = null;
  /** Whom the open socket speaks for: a sign-out must not leave it open as them. */
  let socketUserId: string | null = null;
  let closingForRotation = false;
  let closingForSignOut = false;
  /** The next connection replaces a socket that dropped or rotated (not an idle one). */
  let resuming = false;
  let forbiddenInARow = 0;

  const client = createClient({
    url,
    lazy: true,
    // Keeps the socket across a quick unsubscribe/resubscribe (Refresh, resuming a feed).
    lazyCloseTimeout: LAZY_CLOSE_MS,
    retryAttempts: Infinity,
    retryWait: (retries) => {
      const wait = Math.min(300 * 2 ** retries, MAX_RETRY_WAIT_MS) + Math.random() * 300;
      return new Promise((resolve) => setTimeout(resolve, wait));
    },
    connectionParams: async () => {
      // After a 4403 the server has judged the token expired even if our clock disagrees.
      const token = forbiddenInARow > 0 ? (await session.refresh())?.token : await session.accessToken();
      socketUserId = session.getSnapshot()?.user.id ?? null;
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    shouldRetry: (event) => {
      if (!isCloseEvent(event) || event.code !== FORBIDDEN) return true;
      // One retry with a freshly rotated token; a second refusal is final.
      forbiddenInARow += 1;
      return forbiddenInARow === 1 && session.getSnapshot() !== null;
    },
    on: {
      connecting: () => {
        if (status.getSnapshot().status !== 'closed') status.set('connecting');
      },
      connected: (socket) => {
        activeSocket = socket as WebSocket;
        forbiddenInARow = 0;
        if (resuming) status.reconnected();
        else status.set('connected');
        resuming = false;
      },
      closed: (event) => {
        activeSocket = null;
        if (closingForSignOut) {
          closingForSignOut = false;
          resuming = false;
          status.set('idle');
        } else if (closingForRotation) {
          closingForRotation = false;
          resuming = true;
          status.set('connecting');
        } else if (isCloseEvent(event) && event.code === 1000) {
          resuming = false;
          status.set('idle'); // the lazy client closes when no subscription is left
        } else {
          resuming = true;
          status.set('closed');
        }
      },
    },
  });

  session.onRotate(() => {
    if (activeSocket && activeSocket.readyState === WebSocket.OPEN) {
      closingForRotation = true;
      activeSocket.close(TOKEN_ROTATED, 'Token rotated');
    }
  });

  // Signed out (here or in another tab), or another user signed in: the socket goes, so that
  // the user shows offline and the next one's subscriptions never run on the old token.
  session.subscribe(() => {
    if (!activeSocket || activeSocket.readyState !== WebSocket.OPEN) return;
    if ((session.getSnapshot()?.user.id ?? null) === socketUserId) return;
    closingForSignOut = true;
    activeSocket.close(SIGNED_OUT, 'Signed out');
  });

  return client;
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;
}
