/** What differs between Node and a browser, and the shared WebRTC slice's re-exports. */

import type { RtcBackendFactory } from '../backends/RtcBackend.js';

export type {
  IceCandidateInit,
  RtcBackend,
  RtcChannel,
  RtcPeer,
  RtcPeerOptions,
  SessionDescription,
} from '../backends/RtcBackend.js';
export type { IceServer, RtcOptions } from '../RtcOptions.js';

/** What differs between Node and a browser (`#platform`). */
export interface Platform {
  /** The built-in WebRTC backends, by name. */
  backends: Record<string, RtcBackendFactory>;
  /** What `auto` tries, in order. */
  autoOrder: string[];
  /** The backend used when neither `rtc.backend` nor the environment names one. */
  defaultBackend: string;
  /** The backend the environment names (Node: `TRAINWIRE_RTC_BACKEND`), if any. */
  envBackend(): string | undefined;
  /** A WHATWG-style WebSocket constructor (`ws` in Node). */
  WebSocket: new (
    url: string,
  ) => WebSocketLike;
}

export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export const DEFAULT_MAX_MESSAGE_SIZE = 256 * 1024;
