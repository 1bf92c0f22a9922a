/** Sentences for the user from errors thrown by queries and mutations. */
import { CombinedGraphQLErrors } from '@apollo/client';

/** The contract's `extensions.code` of the first GraphQL error, if the server answered with one. */
export function errorCode(error: unknown): string | undefined {
  if (!CombinedGraphQLErrors.is(error)) return undefined;
  const code = error.errors[0]?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Any failed call: the server's own words for a refusal, except an expired or refused token
 * (the session is then rotated or cleared, so trying again is the way on).
 */
export function describeError(error: unknown): string {
  if (CombinedGraphQLErrors.is(error)) {
    if (errorCode(error) === 'UNAUTHENTICATED') return 'Your sign-in had expired. Try again.';
    return error.errors.map((e) => e.message).join(' ');
  }
  return 'The server could not be reached. Try again.';
}

/** A failed sign-in: UNAUTHENTICATED there means the credentials were wrong. */
export function describeSignInError(error: unknown): string {
  return errorCode(error) === 'UNAUTHENTICATED' ? 'Wrong username or password.' : describeError(error);
}
