/** The slice of WebRTC the transport uses; werift and the browser are adapted to it. */

import type { RtcOptions } from '../RtcOptions.js';

export type { IceServer, RtcOptions } from '../RtcOptions.js';

/** `{type, sdp}`, as the W3C `RTCSessionDescriptionInit`. */
export interface SessionDescription {
  type: 'offer' | 'answer';
  sdp: string;
}

/** As the W3C `RTCIceCandidateInit`. */
export interface IceCandidateInit {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

export interface RtcChannel {
  readonly label: string;
  readonly protocol: string;
  readonly readyState: string;
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  send(data: string | Uint8Array): void;
  close(): void;
  onOpen(cb: () => void): void;
  onClose(cb: () => void): void;
  onMessage(cb: (data: string | Uint8Array) => void): void;
  onBufferedAmountLow(cb: () => void): () => void;
}

export interface RtcPeer {
  createDataChannel(label: string, protocol: string): RtcChannel;
  onDataChannel(cb: (channel: RtcChannel) => void): void;
  onIceCandidate(cb: (candidate: IceCandidateInit) => void): void;
  /** `connected`, `disconnected`, `failed`, `closed`, ... */
  onConnectionState(cb: (state: string) => void): void;
  /** Creates and applies a local offer. */
  createOffer(): Promise<SessionDescription>;
  /** Applies a remote offer, then creates and applies the answer. */
  answer(offer: SessionDescription): Promise<SessionDescription>;
  acceptAnswer(answer: SessionDescription): Promise<void>;
  addIceCandidate(candidate: IceCandidateInit): Promise<void>;
  /** Largest message both ends accept, once negotiated. */
  maxMessageSize(): number;
  close(): void;
}

/** What differs between Node and a browser. */
export interface Platform {
  createPeer(options: RtcOptions): RtcPeer;
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
