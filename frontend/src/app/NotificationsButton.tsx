/** Asks for the browser's permission to notify (a request needs a click); gone once answered. */
import { useState } from 'react';

export function NotificationsButton() {
  const supported = typeof Notification !== 'undefined';
  const [permission, setPermission] = useState(() => (supported ? Notification.permission : 'denied'));
  if (permission !== 'default') return null;
  return (
    <button
      type="button"
      className="secondary notify-button"
      onClick={() => void Notification.requestPermission().then(setPermission)}
    >
      Turn on notifications
    </button>
  );
}
