/** ICE server, as in the W3C `RTCIceServer`. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** How peer connections are made. */
export interface RtcOptions {
  /** STUN/TURN servers; none by default (loopback and LAN need none). */
  iceServers?: IceServer[];
  /**
   * Use only the loopback interface (127.0.0.1): for tests and benchmarks on one machine.
   * Node (werift) only; a browser ignores it.
   */
  loopbackOnly?: boolean;
  /** SCTP max-message-size this end advertises (256 KiB by default). */
  maxMessageSize?: number;
}
