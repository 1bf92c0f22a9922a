/** The frame of signed-in pages: who is signed in, and sign out. */
import { Link, Outlet, useNavigate } from 'react-router';
import { useCurrentUser, useSession } from '../auth/SessionContext';
import { NotificationsButton } from './NotificationsButton';

export function AppShell() {
  const me = useCurrentUser();
  const { signOut } = useSession();
  const navigate = useNavigate();
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand">
          Parley
        </Link>
        <span className="whoami">
          {me.username}
          {me.role && <span className="muted"> · {me.role === 'VENDOR' ? 'vendor' : 'organizer'}</span>}
        </span>
        <NotificationsButton />
        <Link to="/settings" className="settings-link">
          Settings
        </Link>
        <button
          type="button"
          className="secondary"
          onClick={() => void signOut().then(() => navigate('/login', { replace: true }))}
        >
          Sign out
        </button>
      </header>
      <Outlet />
    </div>
  );
}
