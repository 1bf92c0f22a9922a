import { describe, expect, it } from 'vitest';
import { CombinedGraphQLErrors } from '@apollo/client';
import { describeError, describeSignInError } from './errors';

const refusal = (code: string, message: string) =>
  new CombinedGraphQLErrors({ errors: [{ message, extensions: { code } }] });

describe('describeError', () => {
  it('says an expired sign-in, not a wrong password, for UNAUTHENTICATED outside sign-in', () => {
    expect(describeError(refusal('UNAUTHENTICATED', 'Sign in first.'))).toBe('Your sign-in had expired. Try again.');
  });

  it('gives the server’s own words for any other refusal', () => {
    expect(describeError(refusal('RATE_LIMITED', 'Slow down: 5 messages a second.'))).toBe('Slow down: 5 messages a second.');
  });

  it('says the server could not be reached for a transport failure', () => {
    expect(describeError(new TypeError('Failed to fetch'))).toBe('The server could not be reached. Try again.');
  });
});

describe('describeSignInError', () => {
  it('says wrong username or password for UNAUTHENTICATED', () => {
    expect(describeSignInError(refusal('UNAUTHENTICATED', 'Wrong username or password.'))).toBe('Wrong username or password.');
  });

  it('passes a sign-in rate limit through', () => {
    expect(describeSignInError(refusal('RATE_LIMITED', 'Too many attempts; wait 15 minutes.'))).toBe(
      'Too many attempts; wait 15 minutes.',
    );
  });
});
