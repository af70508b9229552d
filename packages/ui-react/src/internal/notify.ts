/**
 * A system notification (the browser's Notification API) when the user allowed them;
 * nothing otherwise. The in-page notice is the caller's and always shown.
 */
export function notify(text: string): void {
  const api = (globalThis as { Notification?: typeof Notification }).Notification;
  if (api === undefined || api.permission !== 'granted') return;
  try {
    new api('trainwire', { body: text });
  } catch {
    // Some browsers allow notifications only from a service worker; the page notice stays.
  }
}
