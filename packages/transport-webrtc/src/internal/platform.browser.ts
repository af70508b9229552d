// Browser build of `#platform`: the browser's own RTCPeerConnection and WebSocket.
import { createBrowserBackend } from '../backends/browser.js';
import type { Platform, WebSocketLike } from './rtcTypes.js';

/** Browser: the global RTCPeerConnection and WebSocket. */
export const platform: Platform = {
  backends: { browser: () => createBrowserBackend() },
  autoOrder: ['browser'],
  defaultBackend: 'auto',
  envBackend: () => undefined,
  WebSocket: globalThis.WebSocket as unknown as new (url: string) => WebSocketLike,
};
