/** /settings: the caller's email and whether unread messages are emailed to them. */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { describeError, errorCode } from '../app/errors';
import { ProfileQuery, UpdateProfileMutation } from './operations';

export function SettingsPage() {
  const { data, loading, error } = useQuery(ProfileQuery, { fetchPolicy: 'network-only' });
  if (loading && !data) return <main className="settings muted">Loading…</main>;
  if (!data) return <main className="settings form-error">{describeError(error)}</main>;
  return <ProfileForm email={data.me.email ?? ''} emailNotifications={data.me.emailNotifications} />;
}

/** The form, starting from what the server holds. */
function ProfileForm(saved: { email: string; emailNotifications: boolean }) {
  const [save, { loading: saving }] = useMutation(UpdateProfileMutation);
  const [email, setEmail] = useState(saved.email);
  const [notify, setNotify] = useState(saved.emailNotifications);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    setDone(false);
    try {
      await save({ variables: { email: email.trim(), emailNotifications: notify } });
      setDone(true);
    } catch (err) {
      setProblem(errorCode(err) === 'BAD_USER_INPUT' ? describeError(err) : `Not saved: ${describeError(err)}`);
    }
  }

  return (
    <main className="settings">
      <form onSubmit={onSubmit} className="card login-form" noValidate>
        <h2>Settings</h2>
        <label htmlFor="settings-email">Email</label>
        <input
          id="settings-email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => {
            setEmail(e.target.value);
            setDone(false);
            setProblem(null);
          }}
          aria-describedby="settings-email-help"
          aria-invalid={problem ? true : undefined}
        />
        <p id="settings-email-help" className={problem ? 'form-error' : 'muted field-help'}>
          {problem ?? 'Leave empty for no emails.'}
        </p>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={notify}
            onChange={(e) => {
              setNotify(e.target.checked);
              setDone(false);
            }}
          />
          Email me about unread messages
        </label>
        <button type="submit" disabled={saving}>
          Save
        </button>
        <p role="status" className="muted">
          {done ? 'Saved.' : ''}
        </p>
      </form>
    </main>
  );
}
