/**
 * Test doubles for Apollo: a client whose queries and mutations are answered by a function
 * (recording each call), whose subscriptions are driven by MockSubscriptionLinks, and a
 * wrapper that provides it together with a controllable socket status.
 */
import type { ReactNode } from 'react';
import { Observable } from 'rxjs';
import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { MockSubscriptionLink } from '@apollo/client/testing';
import { SocketStatusContext, SocketStatusStore } from '../apollo/socketStatus';
import introspection from '../gql/possibleTypes';

export interface RecordedCall {
  operationName: string;
  variables: Record<string, unknown>;
}

export type Handler = (call: RecordedCall) => ApolloLink.Result | Promise<ApolloLink.Result>;

export function createTestClient(handler: Handler) {
  const subscriptions = new MockSubscriptionLink();
  // The open conversation's roomActivity, driven on its own so that each feed hears only its own results.
  const activity = new MockSubscriptionLink();
  const calls: RecordedCall[] = [];
  const requests = new ApolloLink(
    (operation) =>
      new Observable<ApolloLink.Result>((observer) => {
        const call = { operationName: operation.operationName ?? '', variables: operation.variables };
        calls.push(call);
        Promise.resolve()
          .then(() => handler(call))
          .then(
            (result) => {
              observer.next(result);
              observer.complete();
            },
            (error: Error) => observer.error(error),
          );
      }),
  );
  const client = new ApolloClient({
    link: ApolloLink.split(
      (op) => op.operationType === 'subscription',
      ApolloLink.split((op) => op.operationName === 'ConversationActivity', activity, subscriptions),
      requests,
    ),
    cache: new InMemoryCache({ possibleTypes: introspection.possibleTypes }),
  });
  const socketStatus = new SocketStatusStore();
  function Wrapper({ children }: { children: ReactNode }) {
    return (
      <ApolloProvider client={client}>
        <SocketStatusContext.Provider value={socketStatus}>{children}</SocketStatusContext.Provider>
      </ApolloProvider>
    );
  }
  return { client, subscriptions, activity, calls, socketStatus, Wrapper };
}
