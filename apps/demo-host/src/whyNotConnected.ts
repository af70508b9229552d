import type { RoomQuery } from './roomFromQuery.js';

const LOOPBACK = /^wss?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/i;

/**
 * Why a link to a worker failed, in words; when the signaling server is on loopback, also
 * what to do about Chromium, which gathers no loopback ICE candidates: the worker of
 * `trainwire up` offers only 127.0.0.1, so on a machine with no other interface up the
 * page cannot reach it (docs/embedding.md, "A local browser and trainwire up").
 */
export function whyNotConnected(query: Pick<RoomQuery, 'signal'>, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!LOOPBACK.test(query.signal)) return message;
  return `${message}. The signaling server is on loopback (${query.signal}), where the worker offers only 127.0.0.1, and Chromium-based browsers gather no loopback candidates for WebRTC: start the browser with --allow-loopback-in-peer-connection --disable-features=WebRtcHideLocalIpsWithMdns, or run the signaling server and worker on an address the browser can reach (docs/embedding.md, "A local browser and trainwire up").`;
}
