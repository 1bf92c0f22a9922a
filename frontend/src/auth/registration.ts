/** The sign-up form's rules: the contract's username rule, and which field a refusal is about. */
import { errorCode, describeError } from '../app/errors';

export const USERNAME_RULE = '3 to 30 characters: ASCII letters, digits, “_”, “.” and “-”.';
const USERNAME = /^[A-Za-z0-9_.-]{3,30}$/;

/** Why a username cannot be used, or null when it follows the rule. */
export function usernameProblem(username: string): string | null {
  return USERNAME.test(username) ? null : `A username is ${USERNAME_RULE}`;
}

export type RegistrationField = 'username' | 'password' | 'email' | 'form';

/** BAD_USER_INPUT names its field in its sentence ("That username is taken."). */
export function refusalField(error: unknown): { field: RegistrationField; message: string } {
  const message = describeError(error);
  if (errorCode(error) !== 'BAD_USER_INPUT') return { field: 'form', message };
  if (/user ?name|taken/i.test(message)) return { field: 'username', message };
  if (/password/i.test(message)) return { field: 'password', message };
  if (/e-?mail/i.test(message)) return { field: 'email', message };
  return { field: 'form', message };
}
