/** The session's calls to the server, made without an access token. */
import { CombinedGraphQLErrors, type ApolloClient } from '@apollo/client';
import { RefreshRejectedError, type Refresher, type Session } from './session';
import { RefreshTokenMutation, RegisterMutation, RevokeTokenMutation, TokenAuthMutation } from './operations';
import type { RegisterMutationVariables } from '../gql/graphql';

type Tokens = Omit<Session, 'expiresAt'>;

export async function requestTokens(client: ApolloClient, username: string, password: string): Promise<Tokens> {
  const { data } = await client.mutate({
    mutation: TokenAuthMutation,
    variables: { username, password },
    context: { anonymous: true },
    fetchPolicy: 'no-cache',
  });
  if (!data) throw new Error('Sign-in returned no data');
  return data.tokenAuth;
}

export type Registration = RegisterMutationVariables;

export async function registerAccount(client: ApolloClient, registration: Registration): Promise<Tokens> {
  const { data } = await client.mutate({
    mutation: RegisterMutation,
    variables: registration,
    context: { anonymous: true },
    fetchPolicy: 'no-cache',
  });
  if (!data) throw new Error('Sign-up returned no data');
  return data.register;
}

export function tokenRefresher(client: ApolloClient): Refresher {
  return async (refreshToken) => {
    try {
      const { data } = await client.mutate({
        mutation: RefreshTokenMutation,
        variables: { refreshToken },
        context: { anonymous: true },
        fetchPolicy: 'no-cache',
      });
      if (!data) throw new RefreshRejectedError('Refresh returned no data');
      return data.refreshToken;
    } catch (error) {
      // A GraphQL error means the server refused this refresh token; anything else is transport.
      if (CombinedGraphQLErrors.is(error)) throw new RefreshRejectedError(error.message);
      throw error;
    }
  };
}

export async function revokeRefreshToken(client: ApolloClient, refreshToken: string): Promise<void> {
  await client.mutate({
    mutation: RevokeTokenMutation,
    variables: { refreshToken },
    context: { anonymous: true },
    fetchPolicy: 'no-cache',
  });
}
