/**
 * The slice of WebRTC that `WebRtcTransport` uses. A backend (werift, node-datachannel,
 * the browser's `RTCPeerConnection`) adapts its library to it; the transport, framing,
 * byte streams and reconnection sit on top and never see the library.
 */

import type { IceServer } from '../RtcOptions.js';

/** `{type, sdp}`, as the W3C `RTCSessionDescriptionInit`. */
export interface SessionDescription {
  type: 'offer' | 'answer';
  sdp: string;
}

/** As the W3C `RTCIceCandidateInit`: `candidate` starts with `candidate:` (no `a=`). */
export interface IceCandidateInit {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

/** One reliable, ordered data channel. */
export interface RtcChannel {
  readonly label: string;
  readonly protocol: string;
  /** `connecting`, `open`, `closing` or `closed`, as the W3C `RTCDataChannel`. */
  readonly readyState: string;
  /** Bytes queued to send and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** `onBufferedAmountLow` fires when `bufferedAmount` falls to this or below. */
  bufferedAmountLowThreshold: number;
  /**
   * Queues one message. The backend must not keep `data` once this returns (copy it if
   * the library would hold on to it): the caller reuses its buffers.
   */
  send(data: string | Uint8Array): void;
  close(): void;
  /** Once the channel is open (at once, asynchronously, if it already is). */
  onOpen(cb: () => void): void;
  onClose(cb: () => void): void;
  /** Text messages as strings, binary ones as bytes. */
  onMessage(cb: (data: string | Uint8Array) => void): void;
  /** Returns a function that removes the listener. */
  onBufferedAmountLow(cb: () => void): () => void;
}

/**
 * One peer connection. Every `on…` method adds a listener (several may listen to the
 * same event); none is ever removed before the connection closes.
 */
export interface RtcPeer {
  /** A reliable ordered channel, negotiated in-band (DCEP). */
  createDataChannel(label: string, protocol: string): RtcChannel;
  /** A channel the remote end opened. */
  onDataChannel(cb: (channel: RtcChannel) => void): void;
  /**
   * Each local candidate, trickled. None may be reported before the description that
   * `createOffer` / `answer` resolves with has been handed out: the remote end ignores a
   * candidate that arrives before the offer.
   */
  onIceCandidate(cb: (candidate: IceCandidateInit) => void): void;
  /** `connected`, `disconnected`, `failed`, `closed`, ... */
  onConnectionState(cb: (state: string) => void): void;
  /** Creates and applies a local offer. */
  createOffer(): Promise<SessionDescription>;
  /** Applies a remote offer, then creates and applies the answer. */
  answer(offer: SessionDescription): Promise<SessionDescription>;
  /**
   * Resolves when the answer `answer` made may be sent; the transport waits for it after
   * adding the remote candidates it held. Unset: at once. node-datachannel holds a
   * loopback answer until its own ICE checks pass (at most `NDC_ANSWER_HOLD_MS`).
   */
  answerReady?(): Promise<void>;
  acceptAnswer(answer: SessionDescription): Promise<void>;
  addIceCandidate(candidate: IceCandidateInit): Promise<void>;
  /** Largest message both ends accept, once negotiated. */
  maxMessageSize(): number;
  /**
   * The largest UDP datagram this connection sends, where the backend sized its packets
   * above its default for the far end (`remoteMaxDatagram`); unset otherwise. The
   * transport starts over without it if the far end's answer does not cover it.
   */
  readonly sendsDatagramsUpTo?: number;
  /**
   * Closes the data channels (each an SCTP stream reset), then the SCTP association,
   * then the connection, so that the far end sees the channels close at once rather
   * than when ICE consent expires.
   */
  close(): void;
}

/** What every backend is told when a connection is made (the rest of `RtcOptions`). */
export interface RtcPeerOptions {
  /** STUN/TURN servers; none by default. */
  iceServers?: IceServer[];
  /** Gather and pair only 127.0.0.1 candidates (tests, benchmarks on one machine). */
  loopbackOnly?: boolean;
  /** SCTP max-message-size this end advertises. */
  maxMessageSize?: number;
  /**
   * The largest UDP datagram the far end said it reads whole (the `datagram` of its offer
   * or answer); unset while not known. A backend may size its packets up to it on a
   * `loopbackOnly` connection, where no path MTU limits them, and must then say so in
   * `RtcPeer.sendsDatagramsUpTo`.
   */
  remoteMaxDatagram?: number;
}

/**
 * A WebRTC implementation `WebRtcTransport` can run on. Add one by writing a file with
 * a factory and registering it (`registerRtcBackend`), or pass an instance as
 * `rtc.backend`.
 *
 * @example
 * ```ts
 * import { registerRtcBackend, type RtcBackend } from '@trainwire/transport-webrtc';
 *
 * registerRtcBackend('my-webrtc', async (): Promise<RtcBackend> => {
 *   const lib = await import('my-webrtc');
 *   return { name: 'my-webrtc', createPeer: (options) => adapt(new lib.PeerConnection(options)) };
 * });
 * // then: connectToWorker({ signaling, workerId, rtc: { backend: 'my-webrtc' } })
 * ```
 */
export interface RtcBackend {
  /** Shown by `WebRtcTransport.backend` and `trainwire env`. */
  readonly name: string;
  /**
   * The largest UDP datagram this backend's stack reads whole, announced to the far end in
   * offers and answers. Unset: not known (the far end keeps its default packet size).
   */
  readonly maxDatagram?: number;
  createPeer(options: RtcPeerOptions): RtcPeer;
}

/** Makes a backend, loading its library (a dynamic `import`) if it needs to. */
export type RtcBackendFactory = () => RtcBackend | Promise<RtcBackend>;
