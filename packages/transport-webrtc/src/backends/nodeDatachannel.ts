// libdatachannel (C++) through node-datachannel, an optional dependency: imported only
// when this backend is first used, so a machine without its binary still runs werift.

import { TransportError } from '@trainwire/core';
import type * as Ndc from 'node-datachannel';
import { TransportWebrtcError } from '../errors.js';
import { offerAsDtlsClient } from '../internal/offerAsDtlsClient.js';
import { DEFAULT_MAX_MESSAGE_SIZE } from '../internal/rtcTypes.js';
import type { IceServer } from '../RtcOptions.js';
import type {
  IceCandidateInit,
  RtcBackend,
  RtcChannel,
  RtcPeer,
  RtcPeerOptions,
  SessionDescription,
} from './RtcBackend.js';

type NdcModule = typeof Ndc;

/** libdatachannel's SCTP settings (process-wide: they apply to every association made after). */
export interface NodeDatachannelSctpSettings {
  /** Receive window, bytes: it caps the throughput at window ÷ RTT. */
  recvBufferSize?: number;
  /** Send buffer, bytes. */
  sendBufferSize?: number;
  /**
   * Congestion control: 0 RFC 2581 (usrsctp's default), 1 HSTCP, 2 H-TCP, 3 RTCC. All are
   * loss-based: none kept a transfer at 1 % loss above ~0.7 MB/s at 20 ms (see
   * {@link DEFAULT_NDC_SCTP}).
   */
  congestionControlModule?: number;
  /** Delayed SACK timer, ms. */
  delayedSackTime?: number;
  /** Initial congestion window, in MTUs. */
  initialCongestionWindow?: number;
  /** The most chunks usrsctp queues per association (libdatachannel: 10 240). */
  maxChunksOnQueue?: number;
}

/** Options of the node-datachannel backend. */
export interface NodeDatachannelBackendOptions {
  /**
   * SCTP settings, applied once when the backend is made. By default both windows are
   * 4 MiB (libdatachannel's are 1 MiB: 20 MB/s at most at 50 ms RTT; 8 and 16 MiB were
   * slower through the 20 / 50 ms relay); see docs/performance.md for what was measured.
   */
  sctp?: NodeDatachannelSctpSettings;
  /**
   * The path MTU (IP packet size, bytes) each connection sizes its SCTP packets for;
   * libdatachannel's default is 1280, the IPv6 minimum, so that no path fragments them.
   * 1500 moved more through the bench's relay in most runs (fewer packets per MiB, and that
   * relay is bound by packets per second), but a datagram larger than a real path's MTU
   * (PPPoE, VPNs, tunnels) is fragmented or dropped, so it is not the default. Unless
   * this is set, a `loopbackOnly` connection whose far end said what it reads uses up to
   * {@link NDC_LOOPBACK_MTU}.
   */
  mtu?: number;
}

/** libjuice, libdatachannel's ICE, reads each datagram into a 4 096-byte buffer. */
const NDC_MAX_DATAGRAM = 4096;
/** IPv4 and UDP headers: a datagram is the path MTU less these. */
const IP_UDP_HEADERS = 28;

/**
 * The largest path MTU a `loopbackOnly` connection uses, when the far end said it reads
 * datagrams that large (`remoteMaxDatagram`). Its packets never leave the loopback
 * interface (MTU 65 536), so nothing fragments them; and libdatachannel spends its CPU per
 * packet: a bare node-datachannel pair here took 12–13 ms of CPU per MiB at each end with
 * 1280, ~9.5 with 2048, ~7 with 2500 and ~5.5 with 4096 (bench/transfer `ndc-bare`,
 * docs/performance.md). Far ends differ: libdatachannel reads 4 096 bytes, werift any
 * datagram, Chromium drops DTLS datagrams over 2 048 bytes (WebRTC's `kMaxDtlsPacketLen`:
 * with 3000 or 4096 a download to a page stalled), so a far end that says nothing gets
 * libdatachannel's default 1280.
 */
export const NDC_LOOPBACK_MTU = 4096;

/**
 * The longest a `loopbackOnly` answerer that runs the DTLS server holds its answer, waiting
 * for its own ICE checks to pass (they took 0.2–28 ms in bench/transfer's connects, more
 * under load). Past it the answer goes anyway: the connect is as it was without the hold.
 */
export const NDC_ANSWER_HOLD_MS = 50;

/**
 * The SCTP settings trainwire applies unless told otherwise (bench/transfer, numbers in
 * docs/performance.md, "node-datachannel at 1 % loss").
 *
 * - 4 MiB send and receive windows (libdatachannel: 1 MiB), for speed on clean links: a
 *   window caps a transfer at window ÷ RTT, and 1 MiB gave 9.4 MB/s at 50 ms against 14.6
 *   (8 and 16 MiB were slower; 2 and 3 MiB were within the noise of 4 in a later run).
 * - Nothing for loss, on purpose. At 1 % loss usrsctp runs at the bound of loss-based
 *   congestion control with ~1.2 kB packets, ≈ 1.2 × packet ÷ (RTT × √loss): 0.6–0.7 MB/s
 *   at 20 ms, 0.3 at 50 ms, 1.2 at 20 ms with 0.25 % loss (twice 1 %: √4). Raw TCP
 *   through the same relay keeps 25–30 MB/s because this kernel runs BBR, which does not
 *   slow down for random loss. Tried at 20 ms / 1 %, each 0.5–0.8 MB/s (H-TCP 0.2): HSTCP,
 *   RTCC, H-TCP, a 0 ms delayed SACK, an initial window of 100 packets, 16 MiB send buffer,
 *   `mtu` 1400 / 1500, 64 KiB messages, a 16 MiB `bufferedAmount` high-water mark, and 4
 *   byte streams side by side (one association shares one congestion window). The RTO is
 *   not it either: libdatachannel 0.24 already sets a 200 ms minimum (usrsctp: 1 s), and
 *   node-datachannel 0.33 passes no RTO, burst or heartbeat setting through.
 */
export const DEFAULT_NDC_SCTP: NodeDatachannelSctpSettings = {
  recvBufferSize: 4 * 1024 * 1024,
  sendBufferSize: 4 * 1024 * 1024,
};

/**
 * The node-datachannel backend: libdatachannel, native code, several times werift's
 * speed. Loads node-datachannel (an optional dependency) when called; rejects with
 * `bad_config`, saying what to install, where it does not load. What `auto` picks in
 * Node where it loads; registered as `node-datachannel` with the default options.
 *
 * @example
 * ```ts
 * const backend = await createNodeDatachannelBackend({ sctp: { recvBufferSize: 16 * 1024 * 1024 } });
 * const transport = await connectToWorker({ signaling, workerId, rtc: { backend } });
 * ```
 */
export async function createNodeDatachannelBackend(
  options: NodeDatachannelBackendOptions = {},
): Promise<RtcBackend> {
  let ndc: NdcModule;
  try {
    ndc = await import('node-datachannel');
  } catch (error) {
    throw new TransportWebrtcError(
      'bad_config',
      `node-datachannel is not installed or its binary does not load on ${process.platform}-${process.arch} (${String((error as Error)?.message ?? error).split('\n')[0]}); run npm install node-datachannel, or use the werift backend`,
      { cause: error },
    );
  }
  ndc.setSctpSettings({ ...DEFAULT_NDC_SCTP, ...options.sctp });
  return {
    name: 'node-datachannel',
    maxDatagram: NDC_MAX_DATAGRAM,
    createPeer: (peer) => createPeer(ndc, peer, options.mtu),
  };
}

/** Calls each listener; one that throws is reported as an uncaught error, not into C++ (which would abort). */
class Listeners<T extends unknown[]> {
  private readonly list: Array<(...args: T) => void> = [];
  add(cb: (...args: T) => void): () => void {
    this.list.push(cb);
    return () => {
      const at = this.list.indexOf(cb);
      if (at >= 0) this.list.splice(at, 1);
    };
  }
  emit(...args: T): void {
    for (const cb of [...this.list]) {
      try {
        cb(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

/** W3C ICE servers as libdatachannel's URLs (`turn:user:pass@host:port`). */
function iceServerUrls(servers: IceServer[]): string[] {
  return servers.flatMap(({ urls, username, credential }) =>
    (Array.isArray(urls) ? urls : [urls]).map((url) => {
      if (!username || !credential) return url;
      const [scheme, rest] = url.split(/:(.*)/s);
      return `${scheme}:${encodeURIComponent(username)}:${encodeURIComponent(credential)}@${rest}`;
    }),
  );
}

function createPeer(ndc: NdcModule, options: RtcPeerOptions, mtu?: number): RtcPeer {
  // As given; else, where packets stay on the host, as large as the far end reads; else
  // libdatachannel's default.
  const pathMtu =
    mtu ??
    (options.loopbackOnly && options.remoteMaxDatagram
      ? Math.min(NDC_LOOPBACK_MTU, options.remoteMaxDatagram + IP_UDP_HEADERS)
      : undefined);
  const pc = new ndc.PeerConnection('trainwire', {
    iceServers: iceServerUrls(options.iceServers ?? []),
    maxMessageSize: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    // Offers and answers when the transport asks, not on the first createDataChannel.
    disableAutoNegotiation: true,
    ...(pathMtu ? { mtu: pathMtu } : {}),
    ...(options.loopbackOnly ? { bindAddress: '127.0.0.1' } : {}),
  });
  const states = new Listeners<[string]>();
  const candidates = new Listeners<[IceCandidateInit]>();
  const incoming = new Listeners<[RtcChannel]>();
  const channels = new Set<NdcChannel>();
  let closed = false;
  let released = false;
  /**
   * `pc.close()` is what frees the connection's other callbacks (each keeps Node's event
   * loop alive): called once, also for a connection that closed on its own.
   */
  const release = () => {
    if (released) return;
    released = true;
    try {
      pc.close();
    } catch {
      // Already closed underneath.
    }
  };
  let described: (description: SessionDescription) => void = () => undefined;
  // libdatachannel reports candidates before the description they belong to: hold them
  // until the description has been handed out and sent (a macrotask later).
  let early: IceCandidateInit[] | undefined = [];

  // Always set: libdatachannel frees a connection's callbacks (which keep Node's event
  // loop alive) only from the state callback's `closed`.
  pc.onStateChange((state) => {
    if (state === 'closed') {
      closed = true;
      queueMicrotask(release);
    }
    states.emit(state);
  });
  pc.onLocalDescription((sdp, type) => {
    if (type === 'offer' || type === 'answer') described({ type, sdp });
  });
  pc.onLocalCandidate((candidate, mid) => {
    const init = { candidate: candidate.replace(/^a=/, ''), sdpMid: mid, sdpMLineIndex: 0 };
    if (early) early.push(init);
    else candidates.emit(init);
  });
  const track = (channel: NdcChannel) => {
    channels.add(channel);
    channel.onClose(() => channels.delete(channel));
    return channel;
  };
  pc.onDataChannel((dc) => incoming.emit(track(new NdcChannel(dc))));
  // Whether this end's own ICE checks have passed: libdatachannel starts its DTLS
  // transport then.
  let iceUp = false;
  const iceConnected = new Listeners<[]>();
  pc.onIceStateChange((state) => {
    if (state !== 'connected' && state !== 'completed') return;
    iceUp = true;
    iceConnected.emit();
  });
  // Set by `answer`: an offer that says `a=setup:active` (ours do) makes this end the
  // DTLS server.
  let dtlsServer = false;

  /** Applies `apply`, then waits for the local description of `type`. */
  const local = (type: 'offer' | 'answer', apply: () => void) =>
    new Promise<SessionDescription>((resolve, reject) => {
      described = (description) => {
        if (description.type !== type) return;
        described = () => undefined;
        resolve(description);
        setTimeout(() => {
          const held = early ?? [];
          early = undefined;
          for (const candidate of held) candidates.emit(candidate);
        }, 0);
      };
      try {
        apply();
      } catch (error) {
        reject(error);
      }
    });
  return {
    createDataChannel: (label, protocol) =>
      track(new NdcChannel(pc.createDataChannel(label, { protocol }))),
    onDataChannel: (cb) => void incoming.add(cb),
    onIceCandidate: (cb) => void candidates.add(cb),
    onConnectionState: (cb) => void states.add(cb),
    createOffer: async () => {
      const offer = await local('offer', () => pc.setLocalDescription('offer'));
      return { type: 'offer', sdp: offerAsDtlsClient(offer.sdp) };
    },
    answer: (offer) => {
      dtlsServer = /^a=setup:active\r?$/m.test(offer.sdp);
      return local('answer', () => {
        pc.setRemoteDescription(offer.sdp, 'offer');
        pc.setLocalDescription('answer');
      });
    },
    // libdatachannel 0.24 (node-datachannel 0.33) can leave unanswered a ClientHello that
    // arrived before its DTLS server started: `DtlsTransport::start` replays it from the
    // ICE transport's buffer (`registerIncoming`) to a worker thread before it marks
    // itself connecting, and that thread, finding it not connecting yet, leaves it queued
    // until the next datagram: the client's retransmission, 1 s later. On loopback the
    // offerer's hello can beat this end's own ICE checks (one connect in 20 to 60 here,
    // more under load: docs/performance.md). Held until those checks pass, the answer
    // reaches the offerer after this end's DTLS server is up, and its hello is read at
    // once. Only on `loopbackOnly` links: at a real round-trip time this end's checks pass
    // a round trip before a hello can arrive, and the hold would only add that round trip.
    answerReady: () => {
      if (!options.loopbackOnly || !dtlsServer || iceUp || closed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          removeIce();
          removeState();
          resolve();
        };
        const timer = setTimeout(done, NDC_ANSWER_HOLD_MS);
        const removeIce = iceConnected.add(done);
        const removeState = states.add((state) => {
          if (state === 'closed' || state === 'failed') done();
        });
      });
    },
    acceptAnswer: async (answer) => pc.setRemoteDescription(answer.sdp, 'answer'),
    addIceCandidate: async ({ candidate, sdpMid }) => {
      if (candidate) pc.addRemoteCandidate(candidate, sdpMid ?? '0');
    },
    maxMessageSize: () => (closed ? 64 * 1024 : pc.maxMessageSize()),
    // Sized for the far end (an `mtu` given is the operator's, for the path): say so.
    ...(mtu === undefined && pathMtu ? { sendsDatagramsUpTo: pathMtu - IP_UDP_HEADERS } : {}),
    close: () => {
      if (released) return;
      closed = true;
      // Channels first (each a stream reset the far end sees at once), then the
      // connection, which shuts SCTP down before DTLS.
      for (const channel of [...channels]) channel.close();
      release();
    },
  };
}

class NdcChannel implements RtcChannel {
  readonly label: string;
  readonly protocol: string;
  private state: 'connecting' | 'open' | 'closed';
  private threshold = 0;
  private readonly opened = new Listeners<[]>();
  private readonly closed = new Listeners<[]>();
  private readonly messages = new Listeners<[string | Uint8Array]>();
  private readonly low = new Listeners<[]>();

  constructor(private readonly dc: Ndc.DataChannel) {
    this.label = dc.getLabel();
    this.protocol = dc.getProtocol();
    this.state = dc.isOpen() ? 'open' : 'connecting';
    // Every callback set once, here: libdatachannel keeps one of each, and frees them
    // (letting Node exit) only after `closed`.
    dc.onOpen(() => {
      if (this.state !== 'connecting') return;
      this.state = 'open';
      this.opened.emit();
    });
    dc.onClosed(() => this.markClosed());
    dc.onError(() => undefined);
    dc.onMessage((data) =>
      this.messages.emit(
        typeof data === 'string'
          ? data
          : data instanceof ArrayBuffer
            ? new Uint8Array(data)
            : new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      ),
    );
    dc.onBufferedAmountLow(() => this.low.emit());
  }

  get readyState(): string {
    if (this.state !== 'open') return this.state;
    // Closed underneath, the callback not delivered yet.
    return this.isOpen() ? 'open' : 'closing';
  }

  get bufferedAmount(): number {
    try {
      return this.dc.bufferedAmount();
    } catch {
      return 0;
    }
  }

  get bufferedAmountLowThreshold(): number {
    return this.threshold;
  }

  set bufferedAmountLowThreshold(value: number) {
    this.threshold = value;
    this.dc.setBufferedAmountLowThreshold(value);
  }

  send(data: string | Uint8Array): void {
    try {
      // Both copy into libdatachannel's queue before returning.
      if (typeof data === 'string') this.dc.sendMessage(data);
      else this.dc.sendMessageBinary(data);
    } catch (error) {
      if (this.isOpen()) throw error;
      throw new TransportError('transport_not_open', `data channel ${this.label} is closed`, {
        cause: error,
      });
    }
  }

  close(): void {
    if (this.state === 'closed') return;
    try {
      this.dc.close();
    } catch {
      // Already closed underneath.
    }
    // As a W3C channel: closed at once, the event a moment later (not inside close()).
    this.state = 'closed';
    queueMicrotask(() => this.closed.emit());
  }

  onOpen(cb: () => void): void {
    if (this.state === 'open') queueMicrotask(cb);
    else this.opened.add(cb);
  }

  onClose(cb: () => void): void {
    this.closed.add(cb);
  }

  onMessage(cb: (data: string | Uint8Array) => void): void {
    this.messages.add(cb);
  }

  onBufferedAmountLow(cb: () => void): () => void {
    return this.low.add(cb);
  }

  private isOpen(): boolean {
    try {
      return this.dc.isOpen();
    } catch {
      return false;
    }
  }

  private markClosed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closed.emit();
  }
}
