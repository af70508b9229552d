// The only file that imports werift: the pure-TypeScript backend, in Node only (a browser
// build never reaches it; see internal/platform.browser.ts).
import {
  type RTCDataChannel,
  type RTCIceCandidate,
  RTCPeerConnection,
  type RTCSessionDescription,
} from 'werift';
import { w3cChannel } from '../internal/channelState.js';
import { DEFAULT_MAX_MESSAGE_SIZE } from '../internal/rtcTypes.js';
import { keepEarlyDtlsRecords } from '../internal/weriftEarlyDtls.js';
import { sendFragmentsOf, tuneSctp } from '../internal/weriftSctp.js';
import type {
  RtcBackend,
  RtcChannel,
  RtcPeer,
  RtcPeerOptions,
  SessionDescription,
} from './RtcBackend.js';

/** Options of the werift backend, its own knobs. */
export interface WeriftBackendOptions {
  /**
   * Apply trainwire's SCTP tuning to this end's associations (on by default). It
   * acknowledges every second packet instead of every packet, skips two scans werift
   * repeats per packet, and keeps received TSNs in serial-number order (a werift bug
   * stalls a lossy association whose TSNs cross 10^9). The wire format stays standard
   * SCTP. `false` keeps werift exactly as shipped, to compare or to rule the tuning out.
   * See docs/protocol-signaling.md §3.4.
   */
  tuneSctp?: boolean;
}

/**
 * The werift backend: WebRTC in pure TypeScript, which loads wherever Node runs. `auto`
 * falls back to it where node-datachannel does not load; registered as `werift` with the
 * default options.
 *
 * @example
 * ```ts
 * const transport = await connectToWorker({
 *   signaling,
 *   workerId,
 *   rtc: { backend: createWeriftBackend({ tuneSctp: false }) },
 * });
 * ```
 */
export function createWeriftBackend(options: WeriftBackendOptions = {}): RtcBackend {
  return {
    name: 'werift',
    // Node's dgram socket hands over whole datagrams of any size UDP carries.
    maxDatagram: 65_507,
    createPeer: (peer) => createPeer(peer, options),
  };
}

const isLoopback = (address: string) => address === '127.0.0.1' || address === '::1';

/** The largest DTLS record (its plaintext: one SCTP packet), TLS's 2^14. */
const MAX_RECORD = 16_384;
/** Room for the SCTP common and DATA chunk headers (28) and any DTLS record's overhead. */
const PACKET_OVERHEAD = 128;

function createPeer(options: RtcPeerOptions, werift: WeriftBackendOptions): RtcPeer {
  // On loopback, datagrams as large as the far end reads (within one DTLS record).
  const datagram =
    options.loopbackOnly && options.remoteMaxDatagram && werift.tuneSctp !== false
      ? Math.min(options.remoteMaxDatagram, MAX_RECORD)
      : undefined;
  const pc = new RTCPeerConnection({
    // werift's default is a public STUN host: always pass the configured list.
    iceServers: options.iceServers ?? [],
    maxMessageSize: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    ...(options.loopbackOnly
      ? {
          iceAdditionalHostAddresses: ['127.0.0.1'],
          iceUseIpv6: false,
          iceFilterCandidatePair: (pair) =>
            isLoopback(pair.localCandidate.host) && isLoopback(pair.remoteCandidate.host),
        }
      : {}),
  });
  const local = async (description: Promise<RTCSessionDescription>) => {
    await pc.setLocalDescription(await description);
    const applied = pc.localDescription!;
    return { type: applied.type, sdp: applied.sdp } as SessionDescription;
  };
  // Every channel of the connection, so that closing can close them first.
  const channels = new Set<RTCDataChannel>();
  const track = (channel: RTCDataChannel) => {
    channels.add(channel);
    channel.stateChanged.subscribe((state) => state === 'closed' && channels.delete(channel));
    return wrapChannel(channel);
  };
  return {
    createDataChannel: (label, protocol) =>
      track(pc.createDataChannel(label, { protocol, ordered: true })),
    onDataChannel: (cb) => void pc.onDataChannel.subscribe((channel) => cb(track(channel))),
    onIceCandidate: (cb) =>
      void pc.onIceCandidate.subscribe((candidate?: RTCIceCandidate) => {
        if (!candidate?.candidate) return;
        const json = candidate.toJSON();
        cb({
          candidate: json.candidate,
          sdpMid: json.sdpMid ?? null,
          sdpMLineIndex: json.sdpMLineIndex ?? null,
        });
      }),
    onConnectionState: (cb) =>
      void pc.connectionStateChange.subscribe((state) => {
        if (state === 'connected') {
          enlargeSocketBuffers(pc);
          if (werift.tuneSctp !== false) tuneSctp(pc.sctpTransport?.sctp);
          if (datagram) sendFragmentsOf(pc.sctpTransport?.sctp, datagram - PACKET_OVERHEAD);
        }
        cb(state);
      }),
    // Sent as werift makes it (`actpass`): werift as the DTLS client of its own offer
    // never completes the handshake with libdatachannel (tried: see offerAsDtlsClient).
    // The answerer then runs the DTLS client, and may send its ClientHello before this
    // end has the answer: kept until DTLS starts, not dropped.
    createOffer: async () => {
      const offer = await local(pc.createOffer());
      keepEarlyDtlsRecords(pc.dtlsTransports);
      return offer;
    },
    answer: async (offer) => {
      await pc.setRemoteDescription(offer);
      return local(pc.createAnswer());
    },
    acceptAnswer: (answer) => pc.setRemoteDescription(answer),
    addIceCandidate: (candidate) =>
      pc.addIceCandidate({
        candidate: candidate.candidate,
        sdpMid: candidate.sdpMid ?? undefined,
        sdpMLineIndex: candidate.sdpMLineIndex ?? undefined,
      }),
    maxMessageSize: () => {
      const sctp = pc.sctpTransport;
      const sizes = [sctp?.maxMessageSize, sctp?.remoteMaxMessageSize].filter(
        (n): n is number => typeof n === 'number' && n > 0,
      );
      return sizes.length ? Math.min(...sizes) : 64 * 1024;
    },
    ...(datagram ? { sendsDatagramsUpTo: datagram } : {}),
    close: () => void closeInOrder(pc, channels).catch(() => undefined),
  };
}

/**
 * Closes a werift connection so that any far end sees it at once: each data channel (an
 * SCTP stream reset, the W3C close), then the association (an SCTP ABORT) while DTLS can
 * still carry it, then the connection. werift's own `close()` stops DTLS first, so its
 * ABORT never leaves, and a browser or aiortc peer only notices ~30 s later, when ICE
 * consent expires.
 */
async function closeInOrder(pc: RTCPeerConnection, channels: Set<RTCDataChannel>): Promise<void> {
  for (const channel of [...channels]) {
    try {
      channel.close();
    } catch {
      // Already closing.
    }
  }
  await pc.sctpTransport?.stop().catch(() => undefined);
  await pc.close();
}

/** Bytes of kernel buffer asked for each UDP socket (Linux caps it at net.core.rmem_max). */
const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

interface IceInternals {
  connection?: { protocols?: Array<{ transport?: { socket?: unknown } }> };
}

/**
 * werift sends 1200-byte SCTP packets in bursts; with the default 208 KiB UDP receive
 * buffer a fast sender overflows it, and every loss halves SCTP's window (measured here:
 * ~1% of datagrams dropped, throughput down by half). Larger socket buffers avoid that.
 * These are werift internals, so any surprise leaves the defaults in place.
 * @internal
 */
export function enlargeSocketBuffers(pc: RTCPeerConnection): void {
  for (const transport of pc.iceTransports as unknown as IceInternals[]) {
    for (const protocol of transport.connection?.protocols ?? []) {
      const socket = protocol.transport?.socket as
        | { setRecvBufferSize?(n: number): void; setSendBufferSize?(n: number): void }
        | undefined;
      try {
        socket?.setRecvBufferSize?.(SOCKET_BUFFER_BYTES);
        socket?.setSendBufferSize?.(SOCKET_BUFFER_BYTES);
      } catch {
        // Not bound yet, or a TCP candidate: keep the defaults.
      }
    }
  }
}

function wrapChannel(channel: RTCDataChannel): RtcChannel {
  return w3cChannel(channel, {
    // werift queues the Buffer it is given (its chunks are views of it): a copy, as the
    // caller reuses its buffer.
    send: (data) => channel.send(typeof data === 'string' ? data : Buffer.from(data)),
    close: () => channel.close(),
    onOpen: (cb) => {
      if (channel.readyState === 'open') queueMicrotask(cb);
      else channel.stateChanged.subscribe((state) => state === 'open' && cb());
    },
    onClose: (cb) => void channel.stateChanged.subscribe((state) => state === 'closed' && cb()),
    onMessage: (cb) =>
      void channel.onMessage.subscribe((data) =>
        cb(
          typeof data === 'string'
            ? data
            : new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
        ),
      ),
    onBufferedAmountLow: (cb) => channel.bufferedAmountLow.subscribe(cb).unSubscribe,
  });
}
