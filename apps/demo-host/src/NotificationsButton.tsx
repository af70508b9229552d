import { useState } from 'react';

/**
 * Asks the browser for notifications (the monitor then also notifies when a job ends);
 * nothing where the API is missing or the user already answered.
 */
export function NotificationsButton() {
  const api = (globalThis as { Notification?: typeof Notification }).Notification;
  const [permission, setPermission] = useState(api?.permission ?? 'denied');
  if (api === undefined || permission !== 'default') return null;
  return (
    <p className="demo-note">
      <button type="button" onClick={() => void api.requestPermission().then(setPermission)}>
        Notify me when training ends
      </button>
    </p>
  );
}
