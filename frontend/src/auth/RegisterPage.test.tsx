import { describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { RegisterPage } from './RegisterPage';
import { LoginPage } from './LoginPage';
import { SessionProvider } from './SessionContext';
import { SessionStore } from './session';
import { createTestClient, type Handler } from '../test/apolloTestClient';

const created = {
  data: {
    register: {
      __typename: 'AuthPayload',
      token: 'not-a-jwt',
      refreshToken: 'r',
      user: { __typename: 'User', id: '9', username: 'newbie', role: 'VENDOR' },
    },
  },
};

function renderAt(path: string, handler: Handler = () => created) {
  window.localStorage.clear();
  const session = new SessionStore(window.localStorage);
  const harness = createTestClient(handler);
  render(
    <harness.Wrapper>
      <SessionProvider store={session}>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/register" element={<RegisterPage />} />
            <Route path="/" element={<p>Signed in home</p>} />
          </Routes>
        </MemoryRouter>
      </SessionProvider>
    </harness.Wrapper>,
  );
  return { ...harness, session };
}

async function fillIn(username: string) {
  await userEvent.type(screen.getByLabelText('Username'), username);
  await userEvent.type(screen.getByLabelText('Password'), 'a long enough password');
  await userEvent.selectOptions(screen.getByLabelText('Role'), 'Vendor');
  await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
}

describe('RegisterPage', () => {
  it('is linked from the login page as “Create account”', async () => {
    renderAt('/login');
    await userEvent.click(screen.getByRole('link', { name: 'Create account' }));
    expect(screen.getByRole('button', { name: 'Create account' })).toBeInTheDocument();
  });

  it('creates the account, signs it in and goes to the room list', async () => {
    const { calls, session } = renderAt('/register');
    await fillIn('newbie');
    expect(await screen.findByText('Signed in home')).toBeInTheDocument();
    expect(calls[0]).toMatchObject({
      operationName: 'Register',
      variables: { username: 'newbie', password: 'a long enough password', role: 'VENDOR' },
    });
    expect(session.getSnapshot()?.user.username).toBe('newbie');
  });

  it('explains the username rule next to the field without asking the server', async () => {
    const { calls } = renderAt('/register');
    await fillIn('no spaces allowed');
    const field = screen.getByLabelText('Username');
    expect(field).toHaveAccessibleDescription(/A username is 3 to 30 characters/);
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(calls).toHaveLength(0);
  });

  it('explains a taken name next to the username field', async () => {
    renderAt('/register', () => ({
      errors: [{ message: 'That username is taken.', extensions: { code: 'BAD_USER_INPUT' } }],
    }));
    await fillIn('bkirk');
    await waitFor(() => expect(screen.getByLabelText('Username')).toHaveAccessibleDescription('That username is taken.'));
  });

  it('shows a refused password next to the password field', async () => {
    renderAt('/register', () => ({
      errors: [{ message: 'This password is too common.', extensions: { code: 'BAD_USER_INPUT' } }],
    }));
    await fillIn('newbie');
    await waitFor(() => expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('This password is too common.'));
  });

  it('sends the optional email, and explains a refused one next to its field', async () => {
    const { calls } = renderAt('/register', ({ variables }) =>
      variables.email === 'nope'
        ? { errors: [{ message: 'That is not an email address (name@example.com).', extensions: { code: 'BAD_USER_INPUT' } }] }
        : created,
    );
    await userEvent.type(screen.getByLabelText('Email'), 'nope');
    await fillIn('newbie');
    const field = screen.getByLabelText('Email');
    await waitFor(() => expect(field).toHaveAccessibleDescription(/not an email address/));
    expect(field).toHaveAttribute('aria-invalid', 'true');
    await userEvent.clear(field);
    await userEvent.type(field, 'newbie@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('Signed in home')).toBeInTheDocument();
    expect(calls.at(-1)?.variables).toMatchObject({ username: 'newbie', email: 'newbie@example.com' });
  });
});
