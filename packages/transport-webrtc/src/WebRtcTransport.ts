import {
  type ByteStreamHeader,
  type ByteStreamReader,
  type ByteStreamWriter,
  type Transport,
  TransportError,
  type TransportStatus,
  utf8Length,
} from '@trainwire/core';
import {
  asyncScheduler,
  BehaviorSubject,
  type Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import type { RtcBackend } from './backends/RtcBackend.js';
import { requestedBackend, resolveRtcBackend } from './backends/resolveRtcBackend.js';
import { TransportWebrtcError } from './errors.js';
import { ByteStreamSet } from './internal/ByteStreamSet.js';
import { backoffDelay } from './internal/backoff.js';
import { type ByteChannelTuning, DEFAULT_TUNING } from './internal/byteChannels.js';
import { CandidateQueue } from './internal/CandidateQueue.js';
import { ConnectSteps } from './internal/ConnectSteps.js';
import { sendIfOpen } from './internal/channelState.js';
import { EarlyBuffer } from './internal/EarlyBuffer.js';
import { Keepalive } from './internal/Keepalive.js';
import { replayFinal } from './internal/replayFinal.js';
import type { RtcChannel, RtcOptions, RtcPeer } from './internal/rtcTypes.js';
import {
  BYTES_PROTOCOL,
  CONTROL_PROTOCOL,
  ControlFrameSchema,
  encodeFrame,
  type LinkSignal,
  type LinkSignalInit,
  parseJson,
} from './internal/wireFrames.js';
import type { RemotePeer } from './signalingMessages.js';

const PING = new TextEncoder().encode(encodeFrame({ type: 'ping' }));
const BYE = new TextEncoder().encode(encodeFrame({ type: 'bye' }));
/** One decoder for every binary control frame (pings arrive every `keepaliveMs`). */
const decoder = new TextDecoder();
/** How long a closed link's connection outlives the `bye` sent on it, ms. */
const BYE_LINGER_MS = 250;

/** How a transport reaches its remote end through signaling (one link between two peers). */
export interface LinkSignals {
  /** Sends to the remote end; may throw while signaling is down (it is retried). */
  send(signal: LinkSignalInit): void;
  /** Signals from the remote end for this link, already validated. */
  readonly inbound$: Observable<LinkSignal>;
}

/** Options of a {@link WebRtcTransport}. */
export interface WebRtcTransportOptions {
  /** Name for logs: usually the remote peer id. */
  id: string;
  /** The offerer (the client) starts and restarts the connection; the answerer follows. */
  role: 'offerer' | 'answerer';
  signals: LinkSignals;
  /** Who the far end is, as signaling attested it (`connectToWorker`, `createWorkerEndpoint`). */
  remote?: RemotePeer;
  rtc?: RtcOptions;
  /** Byte-stream chunking and backpressure. */
  tuning?: Partial<ByteChannelTuning>;
  /**
   * Give up the first connection when it has made no progress (offer, answer, ICE,
   * channel) for this long, ms (20 000), or after three times this in all; the error
   * names the steps it reached.
   */
  connectTimeoutMs?: number;
  /** Give up reconnecting after this long, ms (30 000); the status then goes `closed`. */
  reconnectTimeoutMs?: number;
  /**
   * How often each end pings the other on the control channel while open, ms (2 000);
   * 0 sends no pings (the remote end then never takes this end for gone).
   */
  keepaliveMs?: number;
  /**
   * Go `reconnecting` when nothing has arrived from the remote end for this long, ms
   * (10 000): a peer whose process died or whose network vanished says no `bye`, and
   * werift alone would notice only after 30 s. Counts once the remote end has pinged
   * (so a peer without keepalive is never dropped); 0 turns the check off. Keep it a
   * few times the remote end's `keepaliveMs`.
   */
  silenceTimeoutMs?: number;
  /** Where timeouts and retry delays take their time from (RxJS `asyncScheduler`). */
  scheduler?: SchedulerLike;
}

/**
 * The per-link settings that `connectToWorker` and `createWorkerEndpoint` pass on to each
 * {@link WebRtcTransport} they make.
 */
export type WebRtcLinkOptions = Pick<
  WebRtcTransportOptions,
  | 'rtc'
  | 'tuning'
  | 'connectTimeoutMs'
  | 'reconnectTimeoutMs'
  | 'keepaliveMs'
  | 'silenceTimeoutMs'
  | 'scheduler'
>;

/**
 * core's `Transport` over WebRTC data channels: a reliable ordered `control` channel for
 * text frames and one channel per byte stream. When the connection drops, or the remote
 * end goes silent (no keepalive for `silenceTimeoutMs`), it goes `reconnecting`, the
 * offerer negotiates a new one through signaling, and it is `open` again; byte streams
 * in flight fail and are resumed by the caller (`offset`).
 * Messages and byte streams that arrive before the first subscriber are kept and
 * replayed to it, so a worker that subscribes once it has the transport misses nothing.
 */
export class WebRtcTransport implements Transport {
  readonly id: string;
  /**
   * The far end as the signaling server attested it: its peer id, role, name and the id
   * of the credential it registered with — for a worker's transport the client that
   * offered, for a client's the worker. The link is bound to that credential and closes
   * when it is revoked. Undefined for a transport wired without signaling.
   */
  readonly remote: RemotePeer | undefined;
  readonly status$: Observable<TransportStatus>;
  readonly messages$: Observable<string>;
  readonly byteStreams$: Observable<ByteStreamReader>;
  private readonly status = new BehaviorSubject<TransportStatus>('connecting');
  private readonly messages = new EarlyBuffer<string>(10_000);
  private readonly streams = new EarlyBuffer<ByteStreamReader>(1_000);
  private readonly byteStreams: ByteStreamSet;
  private readonly subscription: Subscription;
  private peer: RtcPeer | undefined;
  private control: RtcChannel | undefined;
  private keepalive: Keepalive | undefined;
  private attempt = 0;
  /** Failed attempts since the link was last open: sets the retry delay. */
  private failures = 0;
  private candidates: CandidateQueue | undefined;
  private readonly scheduler: SchedulerLike;
  /** The WebRTC backend, once loaded; until then what waits for it. */
  private rtcBackend: RtcBackend | undefined;
  private waiting: Array<() => void> | undefined = [];
  private deadline: Subscription | undefined;
  /** The first connection's steps while it is being made; undefined once open. */
  private steps: ConnectSteps | undefined;
  /** The newest attempt the far end answered (offerer). */
  private answered = 0;
  /**
   * Offerer: the largest datagram the far end's last answer said it reads whole; `null`
   * once an answer said nothing. Until an answer came, offers are sized as for a far end
   * like this one, and made again if the answer says otherwise.
   */
  private remoteDatagram: number | null | undefined;
  private retry: Subscription | undefined;
  private opened: Promise<void>;
  private resolveOpened!: () => void;
  private rejectOpened!: (error: Error) => void;

  constructor(private readonly options: WebRtcTransportOptions) {
    this.id = options.id;
    this.remote = options.remote;
    this.byteStreams = new ByteStreamSet({ ...DEFAULT_TUNING, ...options.tuning }, (reader) =>
      this.streams.next(reader),
    );
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.status$ = replayFinal(this.status, 'closed');
    this.messages$ = this.messages.observable;
    this.byteStreams$ = this.streams.observable;
    this.opened = new Promise((resolve, reject) => {
      this.resolveOpened = resolve;
      this.rejectOpened = reject;
    });
    this.opened.catch(() => undefined);
    // An unknown backend name throws here, before anything is tried.
    const { request } = requestedBackend(options.rtc?.backend);
    resolveRtcBackend(request).then(
      ({ backend }) => {
        this.rtcBackend = backend;
        this.steps?.mark(`${backend.name} loaded`);
        for (const run of this.waiting?.splice(0) ?? []) run();
        this.waiting = undefined;
      },
      (error: Error) => this.fail(error),
    );
    this.subscription = options.signals.inbound$.subscribe((signal) =>
      this.whenLoaded(() => this.onSignal(signal)),
    );
  }

  /**
   * The WebRTC backend this link runs on (`node-datachannel`, `werift`, `browser`, or a
   * registered one); undefined until it has loaded, which is before the link can open.
   */
  get backend(): string | undefined {
    return this.rtcBackend?.name;
  }

  get currentStatus(): TransportStatus {
    return this.status.getValue();
  }

  /** The negotiated SCTP max-message-size (64 KiB until connected). */
  get maxMessageSize(): number {
    return this.peer && this.control?.readyState === 'open'
      ? this.peer.maxMessageSize()
      : 64 * 1024;
  }

  async connect(): Promise<void> {
    const status = this.currentStatus;
    if (status === 'closed')
      throw new TransportError('transport_closed', `link ${this.id} is closed`);
    if (status === 'open') return;
    if (!this.deadline && !this.peer) {
      this.steps = new ConnectSteps(
        () => this.scheduler.now(),
        this.options.connectTimeoutMs ?? 20_000,
      );
      this.watchConnect();
      if (this.options.role === 'offerer') this.whenLoaded(() => this.establish());
    }
    await this.opened;
  }

  send(message: string): void {
    const control = this.assertOpen();
    if (message.length === 0) {
      // werift sends '' as a DATA chunk without user data, which SCTP forbids: the far
      // end's stream stalls and no later message arrives. No control frame is empty.
      throw new TransportError(
        'message_empty',
        `an empty message cannot be sent on link ${this.id}; control messages are JSON frames`,
      );
    }
    const limit = this.maxMessageSize;
    // Three bytes per UTF-16 unit at most: only a long message needs counting.
    const size = message.length * 3 <= limit ? 0 : utf8Length(message);
    if (size > limit) {
      throw new TransportError(
        'message_too_large',
        `message of ${size} bytes is above this link's limit of ${limit}; send files as byte streams`,
      );
    }
    control.send(message);
  }

  async openByteStream(header: ByteStreamHeader): Promise<ByteStreamWriter> {
    this.assertOpen();
    return this.byteStreams.open(this.peer!, header);
  }

  async close(): Promise<void> {
    if (this.currentStatus === 'closed') return;
    const sent = this.control !== undefined && sendIfOpen(this.control, BYE);
    try {
      this.options.signals.send({ kind: 'bye' });
    } catch {
      // Signaling may be down; the bye on the link, or the closed connection, tells it.
    }
    // The far end may have no signaling (revoked, offline): it hears the bye on the link
    // only if the connection outlives it a moment.
    this.shutdown('the link was closed', sent ? BYE_LINGER_MS : 0);
  }

  private shutdown(reason: string, lingerMs = 0): void {
    this.deadline?.unsubscribe();
    this.retry?.unsubscribe();
    this.subscription.unsubscribe();
    this.teardown(reason, lingerMs);
    this.rejectOpened(new TransportError('transport_closed', reason));
    this.status.next('closed');
    this.messages.complete();
    this.streams.complete();
  }

  /**
   * Gives the first connection up once it stalls (see {@link ConnectSteps}). An attempt
   * the far end answered that then stalls for half that (ICE checks or the DTLS handshake
   * lost on a busy or lossy path) is dropped, and the offerer tries again at once.
   */
  private watchConnect(): void {
    const steps = this.steps;
    if (!steps || this.currentStatus !== 'connecting') return;
    const remaining = steps.remainingMs();
    if (remaining === 0) {
      this.giveUp(`no connection to ${this.id} (${steps.describe()})`);
      return;
    }
    let next = remaining;
    const peer = this.peer;
    if (this.options.role === 'offerer' && peer && this.answered === this.attempt) {
      const restartIn = steps.stallMs / 2 - steps.idleMs();
      if (restartIn <= 0) this.dropped(peer);
      else next = Math.min(next, restartIn);
    }
    this.deadline = this.scheduler.schedule(() => this.watchConnect(), next);
  }

  /** `step`, naming the attempt after the first: what {@link ConnectSteps} records. */
  private stepOf(step: string, attempt = this.attempt): string {
    return attempt <= 1 ? step : `${step} (attempt ${attempt})`;
  }

  private giveUp(reason: string): void {
    this.fail(new TransportError('transport_not_open', reason));
  }

  /** Closes for good; `connect()` rejects with `error`. */
  private fail(error: Error): void {
    if (this.currentStatus === 'closed') return;
    this.rejectOpened(error);
    this.shutdown(error.message);
  }

  /** Runs `run` once the backend has loaded (at once if it has). */
  private whenLoaded(run: () => void): void {
    if (this.waiting) this.waiting.push(run);
    else run();
  }

  /** Drops the peer connection, at once or (`lingerMs`) once a last frame could leave. */
  private teardown(reason: string, lingerMs = 0): void {
    this.byteStreams.failAll(reason);
    const peer = this.peer;
    this.peer = undefined;
    this.control = undefined;
    this.keepalive?.stop();
    this.keepalive = undefined;
    if (!peer) return;
    if (lingerMs === 0) {
      peer.close();
      return;
    }
    // Network I/O grace, not a protocol deadline: real time, and it must not hold Node up.
    const timer = setTimeout(() => peer.close(), lingerMs) as { unref?: () => void };
    timer.unref?.();
  }

  /** Offerer: a new peer connection, a control channel and an offer. */
  private establish(): void {
    if (this.currentStatus === 'closed') return;
    const attempt = ++this.attempt;
    const peer = this.createPeer(
      attempt,
      this.remoteDatagram === undefined ? this.rtcBackend?.maxDatagram : this.remoteDatagram,
    );
    if (!peer) return;
    this.adoptControl(peer.createDataChannel('control', CONTROL_PROTOCOL), peer);
    peer
      .createOffer()
      .then((offer) => {
        if (this.peer !== peer) return;
        this.options.signals.send({ kind: 'offer', attempt, sdp: offer.sdp, ...this.datagram() });
        this.steps?.mark(this.stepOf('offer sent', attempt));
      })
      .catch(() => this.dropped(peer));
  }

  /** What this end announces in offers and answers: the datagrams its backend reads whole. */
  private datagram(): { datagram?: number } {
    const max = this.rtcBackend?.maxDatagram;
    return max === undefined ? {} : { datagram: max };
  }

  private createPeer(attempt: number, remoteMaxDatagram?: number | null): RtcPeer | undefined {
    this.teardown('the link was replaced');
    const { backend: _, ...rtc } = this.options.rtc ?? {};
    let peer: RtcPeer;
    try {
      peer = this.rtcBackend!.createPeer(remoteMaxDatagram ? { ...rtc, remoteMaxDatagram } : rtc);
    } catch (error) {
      // Every later attempt would fail alike (a malformed ICE server, say).
      this.fail(
        new TransportWebrtcError(
          'connect_failed',
          `the ${this.backend} backend could not create a peer connection for link ${this.id} (${(error as Error).message}); check the rtc options (iceServers)`,
          { cause: error },
        ),
      );
      return undefined;
    }
    this.peer = peer;
    this.candidates = new CandidateQueue(peer);
    peer.onIceCandidate((candidate) => {
      if (this.peer !== peer) return;
      try {
        this.options.signals.send({ kind: 'candidate', attempt, candidate });
      } catch {
        // Signaling is down: this attempt will time out and the next one re-gathers.
      }
    });
    peer.onConnectionState((state) => {
      if (this.peer === peer && (state === 'connecting' || state === 'connected'))
        this.steps?.mark(this.stepOf(`connection ${state}`));
      if (state === 'failed' || state === 'closed') this.dropped(peer);
    });
    peer.onDataChannel((channel) => {
      if (this.peer !== peer) return;
      if (channel.protocol === CONTROL_PROTOCOL) this.adoptControl(channel, peer);
      else if (channel.protocol === BYTES_PROTOCOL) {
        // A large transfer can queue the sender's pings behind megabytes of data: the
        // data is as good a sign of life.
        channel.onMessage(() => {
          if (this.peer === peer) this.keepalive?.heard();
        });
        this.byteStreams.accept(channel);
      } else channel.close();
    });
    return peer;
  }

  private adoptControl(channel: RtcChannel, peer: RtcPeer): void {
    this.control = channel;
    const keepalive = new Keepalive({
      intervalMs: this.options.keepaliveMs ?? 2_000,
      timeoutMs: this.options.silenceTimeoutMs ?? 10_000,
      scheduler: this.scheduler,
      // Closing, it is not sent: onClose follows.
      ping: () => sendIfOpen(channel, PING),
      silent: () => this.dropped(peer),
    });
    this.keepalive?.stop();
    this.keepalive = keepalive;
    channel.onMessage((data) => {
      if (this.peer !== peer) return;
      keepalive.heard();
      if (typeof data === 'string') return this.messages.next(data);
      const frame = parseJson(ControlFrameSchema, decoder.decode(data));
      if (frame?.type === 'bye') this.shutdown('the remote end closed the link');
      else if (frame?.type === 'ping') keepalive.heardPing();
    });
    channel.onOpen(() => {
      if (this.peer !== peer || this.currentStatus === 'closed') return;
      this.deadline?.unsubscribe();
      this.deadline = undefined;
      this.steps = undefined;
      this.failures = 0;
      keepalive.start();
      this.status.next('open');
      this.resolveOpened();
    });
    channel.onClose(() => this.dropped(peer));
  }

  /** The connection broke: go `reconnecting`; the offerer starts a new one. */
  private dropped(peer: RtcPeer): void {
    if (this.peer !== peer || this.currentStatus === 'closed') return;
    this.teardown('the link dropped');
    // A callback of the failed byte streams may have closed the transport.
    const status = this.status.getValue();
    if (status === 'closed') return;
    // Connecting, or already reconnecting, stays as it is.
    if (status === 'open') this.markReconnecting();
    if (this.options.role === 'offerer') this.retryLater();
  }

  private markReconnecting(): void {
    this.status.next('reconnecting');
    const ms = this.options.reconnectTimeoutMs ?? 30_000;
    this.deadline?.unsubscribe();
    this.deadline = this.scheduler.schedule(
      () => this.giveUp(`no reconnection to ${this.id} within ${ms} ms`),
      ms,
    );
  }

  private retryLater(): void {
    this.retry?.unsubscribe();
    const delay = backoffDelay(this.failures++, { initialMs: 100, maxMs: 5_000 });
    this.retry = this.scheduler.schedule(() => {
      if (this.currentStatus !== 'closed' && !this.control) this.establish();
    }, delay);
  }

  private onSignal(signal: LinkSignal) {
    if (this.currentStatus === 'closed') return;
    if (signal.kind === 'bye') return this.shutdown('the remote end closed the link');
    if (
      signal.kind === 'offer' &&
      this.options.role === 'answerer' &&
      signal.attempt >= this.attempt
    ) {
      this.attempt = signal.attempt;
      this.steps?.mark(this.stepOf('offer received', signal.attempt));
      const peer = this.createPeer(signal.attempt, signal.datagram);
      if (!peer) return;
      if (this.currentStatus === 'open') this.markReconnecting();
      peer
        .answer({ type: 'offer', sdp: signal.sdp })
        .then(async (answer) => {
          if (this.peer !== peer) return;
          await this.candidates?.flush();
          await peer.answerReady?.();
          if (this.peer !== peer) return;
          this.options.signals.send({
            kind: 'answer',
            attempt: signal.attempt,
            sdp: answer.sdp,
            ...this.datagram(),
          });
          this.steps?.mark(this.stepOf('answer sent', signal.attempt));
        })
        .catch(() => {
          // An offer this end cannot answer (a garbage SDP) before the link ever opened:
          // nothing to wait for — free the link now, the offerer's next try starts anew.
          if (this.peer === peer && this.currentStatus === 'connecting')
            this.giveUp(`the offer from ${this.id} could not be answered`);
          else this.dropped(peer);
        });
      return;
    }
    const peer = this.peer;
    if (!peer || signal.attempt !== this.attempt) return;
    if (signal.kind === 'answer' && this.options.role === 'offerer') {
      this.remoteDatagram = signal.datagram ?? null;
      const sent = peer.sendsDatagramsUpTo;
      if (sent !== undefined && (this.remoteDatagram ?? 0) < sent) {
        // This offer was sized for datagrams the far end does not read: offer again, sized
        // for what it said (nothing: the backend's default). Nothing has been sent yet.
        this.steps?.mark(this.stepOf('the answer asks for smaller packets: offering again'));
        this.establish();
        return;
      }
      this.answered = signal.attempt;
      this.steps?.mark(this.stepOf('answer received'));
      // From here a stalled attempt is retried: the watch wakes for that too.
      if (this.steps) {
        this.deadline?.unsubscribe();
        this.watchConnect();
      }
      peer
        .acceptAnswer({ type: 'answer', sdp: signal.sdp })
        .then(() => this.candidates?.flush())
        .catch(() => this.dropped(peer));
    } else if (signal.kind === 'candidate') {
      this.steps?.mark(this.stepOf('a candidate from the far end'));
      this.candidates?.add(signal.candidate);
    }
  }

  private assertOpen(): RtcChannel {
    const status = this.currentStatus;
    if (status !== 'open' || this.control?.readyState !== 'open') {
      throw new TransportError(
        status === 'closed' ? 'transport_closed' : 'transport_not_open',
        `link ${this.id} is ${status}; wait for status open and retry`,
      );
    }
    return this.control;
  }
}
