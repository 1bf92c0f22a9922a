/**
 * The socket of the one Apollo client against a real graphql-ws server (ws, in this process):
 * token rotation, a refused token, and sign-out, seen from both ends of the connection.
 * The browser's WebSocket is ws's client (jsdom's own mixes two Event classes).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from '@testing-library/react';
import type { TypedDocumentNode } from '@apollo/client';
import { GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from 'graphql';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
// graphql-ws names its server `useServer`; it is no React hook.
import { useServer as serveGraphqlWs } from 'graphql-ws/use/ws';
import { createParleyClient, type ParleyClient } from './client';
import { SessionStore, type Refresher } from '../auth/session';

const USER = { id: '1', username: 'tfuller', role: 'ORGANIZER' as const };
const PING: TypedDocumentNode<{ ping: string }> = parse('subscription { ping }');

/** A graphql-ws server with one subscription, `ping`, fed by publish(). */
async function startServer(accepts: (authorization: unknown) => boolean) {
  const listeners = new Set<(value: string) => void>();
  /** An async iterator (not a generator, whose return() would wait for the pending next()). */
  function pings(): AsyncIterableIterator<string> {
    const queue: string[] = [];
    let pending: ((result: IteratorResult<string>) => void) | null = null;
    const listener = (value: string) => {
      if (pending) pending({ value, done: false });
      else queue.push(value);
      pending = null;
    };
    listeners.add(listener);
    const iterator: AsyncIterableIterator<string> = {
      next: () =>
        queue.length
          ? Promise.resolve({ value: queue.shift()!, done: false })
          : new Promise((resolve) => (pending = resolve)),
      return: () => {
        listeners.delete(listener);
        pending?.({ value: undefined, done: true });
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString, resolve: () => 'ok' } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: { ping: { type: GraphQLString, subscribe: pings, resolve: (value: string) => value } },
    }),
  });
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const authorizations: unknown[] = [];
  const closeCodes: number[] = [];
  wss.on('connection', (socket) => socket.on('close', (code) => closeCodes.push(code)));
  const server = serveGraphqlWs(
    {
      schema,
      onConnect: ({ connectionParams }) => {
        authorizations.push(connectionParams?.authorization);
        return accepts(connectionParams?.authorization);
      },
    },
    wss,
  );
  const { port } = wss.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/graphql/`,
    authorizations,
    closeCodes,
    subscribers: () => listeners.size,
    publish: (value: string) => listeners.forEach((listener) => listener(value)),
    stop: async () => {
      await server.dispose();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

let cleanups: (() => unknown)[] = [];
beforeEach(() => {
  window.localStorage.clear();
  vi.stubGlobal('WebSocket', NodeWebSocket);
});
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
  vi.unstubAllGlobals();
});

async function setup(accepts: (authorization: unknown) => boolean) {
  const server = await startServer(accepts);
  const refresher = vi.fn<Refresher>(async () => ({ token: 'token-2', refreshToken: 'refresh-2', user: USER }));
  const session = new SessionStore(window.localStorage);
  session.signIn({ token: 'token-1', refreshToken: 'refresh-1', user: USER });
  const stopSession = session.start(refresher);
  const parley: ParleyClient = createParleyClient(session, { wsUrl: () => server.url });
  const received: unknown[] = [];
  const errors: unknown[] = [];
  const subscription = parley.client.subscribe({ query: PING }).subscribe({
    next: (result) => (result.data ? received.push(result.data.ping) : errors.push(result.error)),
    error: (error) => errors.push(error),
  });
  cleanups.push(server.stop, stopSession, () => parley.dispose(), () => subscription.unsubscribe());
  return { server, session, parley, refresher, received, errors };
}

describe('the Apollo client’s socket', () => {
  it('reconnects with the new token when the session rotates, and the subscription carries on', async () => {
    const { server, session, parley, received } = await setup(() => true);
    await waitFor(() => expect(server.subscribers()).toBe(1));
    expect(server.authorizations).toEqual(['Bearer token-1']);
    server.publish('before');
    await waitFor(() => expect(received).toEqual(['before']));

    await session.refresh();
    await waitFor(() => expect(server.authorizations).toEqual(['Bearer token-1', 'Bearer token-2']));
    await waitFor(() => expect(server.subscribers()).toBe(1));
    expect(server.closeCodes).toEqual([4205]);
    expect(parley.socketStatus.getSnapshot()).toEqual({ status: 'connected', reconnects: 1 });
    server.publish('after');
    await waitFor(() => expect(received).toEqual(['before', 'after']));
  });

  it('rotates a refused token once and connects with the new one', async () => {
    const { server, parley, refresher } = await setup((authorization) => authorization === 'Bearer token-2');
    await waitFor(() => expect(server.subscribers()).toBe(1));
    expect(server.authorizations).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(refresher).toHaveBeenCalledTimes(1);
    expect(parley.socketStatus.getSnapshot().status).toBe('connected');
  });

  it('takes a second refusal as final instead of retrying in a loop', async () => {
    const { server, errors, refresher } = await setup(() => false);
    await waitFor(() => expect(errors).toHaveLength(1));
    expect(server.authorizations).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(server.closeCodes).toEqual([4403, 4403]);
    expect(refresher).toHaveBeenCalledTimes(1);
  });

  it('closes the socket when the user signs out, so that they go offline', async () => {
    const { server, session, parley } = await setup(() => true);
    await waitFor(() => expect(server.subscribers()).toBe(1));
    session.clear();
    await waitFor(() => expect(server.closeCodes).toEqual([4206]));
    expect(parley.socketStatus.getSnapshot().status).toBe('idle');
  });
});
