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
  /**
   * Node (werift) only: apply trainwire's SCTP tuning to this end's associations (on by
   * default). It acknowledges every second packet instead of every packet, skips two
   * scans werift repeats per packet, and keeps received TSNs in serial-number order (a
   * werift bug stalls a lossy association whose TSNs cross 10^9). The wire format stays
   * standard SCTP. `false` keeps werift exactly as shipped, to compare or to rule the
   * tuning out. See docs/protocol-signaling.md §3.4.
   */
  tuneSctp?: boolean;
}
