import { describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SettingsPage } from './SettingsPage';
import { createTestClient, type Handler } from '../test/apolloTestClient';

const me = (email: string | null, emailNotifications: boolean) => ({
  __typename: 'User',
  id: '7',
  email,
  emailNotifications,
});

function renderSettings(handler: Handler) {
  const harness = createTestClient(handler);
  render(
    <harness.Wrapper>
      <SettingsPage />
    </harness.Wrapper>,
  );
  return harness;
}

describe('SettingsPage', () => {
  it('shows the saved email and notifications, and saves changes', async () => {
    const { calls } = renderSettings(({ operationName, variables }) =>
      operationName === 'Profile'
        ? { data: { me: me('bk@example.com', true) } }
        : { data: { updateProfile: me(variables.email as string, variables.emailNotifications as boolean) } },
    );
    const email = await screen.findByLabelText('Email');
    await waitFor(() => expect(email).toHaveValue('bk@example.com'));
    const notify = screen.getByLabelText('Email me about unread messages');
    expect(notify).toBeChecked();
    await userEvent.clear(email);
    await userEvent.type(email, 'new@example.com');
    await userEvent.click(notify);
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved.')).toBeInTheDocument();
    expect(calls.at(-1)).toMatchObject({
      operationName: 'UpdateProfile',
      variables: { email: 'new@example.com', emailNotifications: false },
    });
  });

  it('explains a refused email next to the field', async () => {
    renderSettings(({ operationName }) =>
      operationName === 'Profile'
        ? { data: { me: me(null, true) } }
        : { errors: [{ message: 'That is not an email address (name@example.com).', extensions: { code: 'BAD_USER_INPUT' } }] },
    );
    const email = await screen.findByLabelText('Email');
    await userEvent.type(email, 'nope');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(email).toHaveAccessibleDescription(/not an email address/));
    expect(screen.queryByText('Saved.')).not.toBeInTheDocument();
  });
});
