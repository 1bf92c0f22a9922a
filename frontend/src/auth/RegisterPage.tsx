/** /register: a new account (organizer or vendor), signed in at once; refusals by their field. */
import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate } from 'react-router';
import { useSession } from './SessionContext';
import { refusalField, USERNAME_RULE, usernameProblem, type RegistrationField } from './registration';
import type { Role } from '../gql/graphql';

type Problems = Partial<Record<RegistrationField, string>>;

export function RegisterPage() {
  const { session, register } = useSession();
  const navigate = useNavigate();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('ORGANIZER');
  const [email, setEmail] = useState('');
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);

  if (session && !busy) return <Navigate to="/" replace />;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const name = username.trim();
    const badName = usernameProblem(name);
    if (badName) {
      setProblems({ username: badName });
      return;
    }
    setBusy(true);
    setProblems({});
    try {
      await register({ username: name, password, role, email: email.trim() || null });
      navigate('/', { replace: true });
    } catch (error) {
      const { field, message } = refusalField(error);
      setProblems({ [field]: message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <h1>Parley</h1>
      <form onSubmit={onSubmit} className="card login-form" noValidate>
        <h2>Create an account</h2>
        <label htmlFor="register-username">Username</label>
        <input
          id="register-username"
          autoComplete="username"
          value={username}
          onChange={(e) => {
            setUsername(e.target.value);
            setProblems((prev) => ({ ...prev, username: undefined }));
          }}
          aria-describedby="register-username-help"
          aria-invalid={problems.username ? true : undefined}
          required
        />
        <p id="register-username-help" className={problems.username ? 'form-error' : 'muted field-help'} role="status">
          {problems.username ?? USERNAME_RULE}
        </p>
        <label htmlFor="register-password">Password</label>
        <input
          id="register-password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-describedby={problems.password ? 'register-password-error' : undefined}
          required
        />
        {problems.password && (
          <p id="register-password-error" className="form-error">
            {problems.password}
          </p>
        )}
        <label htmlFor="register-role">Role</label>
        <select id="register-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          <option value="ORGANIZER">Organizer</option>
          <option value="VENDOR">Vendor</option>
        </select>
        <label htmlFor="register-email">Email</label>
        <input
          id="register-email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => {
            setEmail(e.target.value);
            setProblems((prev) => ({ ...prev, email: undefined }));
          }}
          aria-describedby="register-email-help"
          aria-invalid={problems.email ? true : undefined}
        />
        <p id="register-email-help" className={problems.email ? 'form-error' : 'muted field-help'}>
          {problems.email ?? 'Optional: where we tell you about messages you have not read.'}
        </p>
        {problems.form && (
          <p className="form-error" role="alert">
            {problems.form}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Create account
        </button>
        <p className="muted">
          Have an account? <Link to="/login">Sign in</Link>
        </p>
      </form>
    </main>
  );
}
