import type { RtcBackend } from './backends/RtcBackend.js';

/** ICE server, as in the W3C `RTCIceServer`. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** How peer connections are made. */
export interface RtcOptions {
  /**
   * The WebRTC implementation: a registered name — `werift` (pure TypeScript),
   * `node-datachannel` (libdatachannel, native; optional dependency), `browser` (the
   * page's `RTCPeerConnection`), `auto` — or an {@link RtcBackend} instance (e.g.
   * `createWeriftBackend({ tuneSctp: false })`). Without it, Node reads
   * `TRAINWIRE_RTC_BACKEND`, else uses `auto`: node-datachannel where it loads, else
   * werift. Library-specific knobs belong to each backend's own options. Both ends of a
   * link may use different backends: the wire is standard WebRTC.
   */
  backend?: string | RtcBackend;
  /** STUN/TURN servers; none by default (loopback and LAN need none). */
  iceServers?: IceServer[];
  /**
   * Use only the loopback interface (127.0.0.1): for tests and benchmarks on one machine.
   * Node backends only; a browser ignores it.
   */
  loopbackOnly?: boolean;
  /** SCTP max-message-size this end advertises (256 KiB by default). */
  maxMessageSize?: number;
}
