import type { WorkerInfo, WorkerStatus } from '@trainwire/core';
import {
  asyncScheduler,
  BehaviorSubject,
  filter,
  firstValueFrom,
  interval,
  type Observable,
  type SchedulerLike,
  Subject,
  type Subscription,
} from 'rxjs';
import { platform } from '#platform';
import { TransportWebrtcError, type TransportWebrtcErrorCode } from './errors.js';
import { backoffDelay } from './internal/backoff.js';
import { describeInvalid } from './internal/describeInvalid.js';
import { PendingRequests } from './internal/PendingRequests.js';
import { replayFinal } from './internal/replayFinal.js';
import type { WebSocketLike } from './internal/rtcTypes.js';
import {
  type ClientMessage,
  type PeerFilter,
  type PeerInfo,
  type PeerRole,
  type ServerMessage,
  ServerMessageSchema,
  SIGNALING_VERSION,
  type SignalData,
} from './signalingMessages.js';

/** `connecting` → `open` ⇄ `reconnecting` → `closed`. */
export type SignalingStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A change in the room: a peer joined, left or changed its metadata. */
export type PresenceEvent =
  | { type: 'peer-joined' | 'peer-updated'; peer: PeerInfo }
  | { type: 'peer-left'; peerId: string; reason: string };

/** Options of a {@link SignalingClient}. */
export interface SignalingClientOptions {
  /** `ws://host:port` of the signaling server. */
  url: string;
  room: string;
  role: PeerRole;
  /** Room token (clients, workers) or worker key (workers). */
  credential: string;
  name?: string;
  /** A worker's description; makes it discoverable by GPU memory and status. */
  info?: WorkerInfo;
  tags?: string[];
  properties?: Record<string, string | number | boolean>;
  /** Reconnection delays: doubling from `initialMs` (250) up to `maxMs` (10 000), with jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** How long a request (register, discover, update) may take, ms (10 000). */
  requestTimeoutMs?: number;
  /** Where heartbeats, backoff and timeouts take their time from (RxJS `asyncScheduler`). */
  scheduler?: SchedulerLike;
}

type Outbound = ClientMessage extends infer M
  ? M extends unknown
    ? Omit<M, 'v' | 'rid'>
    : never
  : never;

/**
 * A peer's link to the signaling server. It reconnects on its own (exponential backoff
 * with jitter, capped), keeps its peer id and re-announces its metadata.
 *
 * @example
 * ```ts
 * const signaling = new SignalingClient({ url, room: 'lab', role: 'client', credential });
 * await signaling.connect();
 * const workers = await signaling.discover({ role: 'worker', properties: { gpuMemoryMiB: { $gte: 16384 } } });
 * ```
 */
export class SignalingClient {
  /** Current status, replayed to new subscribers. */
  readonly status$: Observable<SignalingStatus>;
  /** Peers joining, leaving and changing in this room. */
  readonly presence$: Observable<PresenceEvent>;
  /** Offers, answers and candidates relayed from other peers. */
  readonly signals$: Observable<{ from: string; data: SignalData }>;
  /** Errors the server reported that answered no request. */
  readonly errors$: Observable<TransportWebrtcError>;

  private readonly status = new BehaviorSubject<SignalingStatus>('connecting');
  private readonly presence = new Subject<PresenceEvent>();
  private readonly signals = new Subject<{ from: string; data: SignalData }>();
  private readonly errors = new Subject<TransportWebrtcError>();
  private readonly pending: PendingRequests;
  private socket: WebSocketLike | undefined;
  private identity: { peerId: string; resumeKey: string } | undefined;
  private meta: Pick<SignalingClientOptions, 'name' | 'info' | 'tags' | 'properties'>;
  private attempt = 0;
  private connecting: Promise<void> | undefined;
  private readonly scheduler: SchedulerLike;
  private lastHeard: number;
  private heartbeat: Subscription | undefined;
  private retry: Subscription | undefined;

  constructor(private readonly options: SignalingClientOptions) {
    this.status$ = replayFinal(this.status, 'closed');
    this.presence$ = this.presence.asObservable();
    this.signals$ = this.signals.asObservable();
    this.errors$ = this.errors.asObservable();
    const { name, info, tags, properties } = options;
    this.meta = { name, info, tags, properties };
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.lastHeard = this.scheduler.now();
    this.pending = new PendingRequests(options.requestTimeoutMs ?? 10_000, this.scheduler);
  }

  /** This peer's id, once registered; kept across reconnections. */
  get peerId(): string | undefined {
    return this.identity?.peerId;
  }

  get currentStatus(): SignalingStatus {
    return this.status.getValue();
  }

  /**
   * Connects and registers; resolves with the peer id. Rejects with `auth_failed` or
   * `room_not_found` (no retry), or `signaling_unreachable` when the first attempt fails.
   */
  async connect(): Promise<string> {
    if (this.currentStatus === 'closed') {
      throw new TransportWebrtcError(
        'signaling_closed',
        'this signaling client was closed; create a new one',
      );
    }
    this.connecting ??= this.open();
    await this.connecting;
    // Registered once: while reconnecting, wait for the next registration.
    const status = await firstValueFrom(
      this.status$.pipe(filter((s) => s === 'open' || s === 'closed')),
    );
    if (status === 'closed')
      throw new TransportWebrtcError('signaling_closed', 'signaling was closed');
    return this.identity!.peerId;
  }

  /** Peers of this room that match `filter` (this peer excluded). */
  async discover(filter?: PeerFilter): Promise<PeerInfo[]> {
    const reply = await this.request({ type: 'discover', filter });
    return reply.type === 'peers' ? reply.peers : [];
  }

  /** Publishes new metadata or worker status to the room; re-sent after reconnecting. */
  async update(change: {
    status?: WorkerStatus;
    info?: WorkerInfo;
    tags?: string[];
    properties?: Record<string, string | number | boolean>;
  }): Promise<PeerInfo> {
    // The server's rule: the status given, else the one in the new info, else the previous.
    const status = change.status ?? change.info?.status;
    if (change.info) this.meta.info = change.info;
    if (status && this.meta.info) this.meta.info = { ...this.meta.info, status };
    if (change.tags) this.meta.tags = change.tags;
    if (change.properties) this.meta.properties = change.properties;
    const reply = await this.request({ type: 'update', ...change });
    if (reply.type !== 'updated') throw new TransportWebrtcError('bad_message', 'unexpected reply');
    return reply.peer;
  }

  /** Relays `data` to peer `to` of this room. Throws `signaling_closed` unless open. */
  signal(to: string, data: SignalData): void {
    if (this.currentStatus !== 'open' || !this.socket) {
      throw new TransportWebrtcError(
        'signaling_closed',
        `signaling is ${this.currentStatus}; wait for it to be open and retry`,
      );
    }
    this.write({ type: 'signal', to, data });
  }

  /** Disconnects for good. */
  async close(): Promise<void> {
    if (this.currentStatus === 'closed') return;
    this.finish();
  }

  private finish(error?: TransportWebrtcError): void {
    this.retry?.unsubscribe();
    this.heartbeat?.unsubscribe();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.onerror = () => undefined;
      socket.close(1000, 'bye');
    }
    this.pending.failAll(
      error ?? new TransportWebrtcError('signaling_closed', 'signaling was closed'),
    );
    if (error) this.errors.next(error);
    this.status.next('closed');
    this.presence.complete();
    this.signals.complete();
    this.errors.complete();
  }

  private open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const socket = new platform.WebSocket(this.options.url);
      this.socket = socket;
      socket.onopen = () => {
        this.lastHeard = this.scheduler.now();
        const { peerId, resumeKey } = this.identity ?? {};
        const { name, info, tags, properties } = this.meta;
        this.request({
          type: 'register',
          role: this.options.role,
          room: this.options.room,
          credential: this.options.credential,
          peerId,
          resumeKey,
          name,
          info,
          tags,
          properties,
        }).then(
          (reply) => {
            if (reply.type !== 'registered') {
              return refused(
                new TransportWebrtcError(
                  'bad_message',
                  `the server answered register with ${reply.type}; is ${this.options.url} a trainwire signaling server?`,
                ),
              );
            }
            this.identity = { peerId: reply.peerId, resumeKey: reply.resumeKey };
            this.attempt = 0;
            this.watch(reply.heartbeatMs);
            this.status.next('open');
            settled = true;
            resolve();
          },
          (error: TransportWebrtcError) => refused(error),
        );
      };
      // A refused or unanswered register: fatal before the first registration (a retry
      // would be refused alike) and for a bad credential or room; a reconnection drops
      // this link instead, so that onclose schedules the next attempt.
      const refused = (error: TransportWebrtcError) => {
        if (settled || this.currentStatus === 'closed' || this.socket !== socket) return;
        if (!this.identity || error.code === 'auth_failed' || error.code === 'room_not_found') {
          settled = true;
          reject(error);
          this.finish(error);
          return;
        }
        socket.close(4000, 'register failed');
      };
      socket.onmessage = (event) => this.receive(event.data);
      socket.onerror = () => undefined;
      socket.onclose = () => {
        if (this.socket !== socket) return;
        this.socket = undefined;
        this.heartbeat?.unsubscribe();
        this.pending.failAll(
          new TransportWebrtcError('signaling_closed', 'signaling link dropped'),
        );
        if (this.currentStatus === 'closed') return;
        if (!this.identity && !settled) {
          settled = true;
          const error = new TransportWebrtcError(
            'signaling_unreachable',
            `cannot reach the signaling server at ${this.options.url}; check the URL and that it runs`,
          );
          reject(error);
          this.finish(error);
          return;
        }
        this.scheduleReconnect();
      };
    });
  }

  private scheduleReconnect(): void {
    if (this.currentStatus !== 'reconnecting') this.status.next('reconnecting');
    const delay = backoffDelay(this.attempt++, {
      initialMs: this.options.backoff?.initialMs ?? 250,
      maxMs: this.options.backoff?.maxMs ?? 10_000,
    });
    this.retry = this.scheduler.schedule(() => {
      this.open().catch(() => undefined);
    }, delay);
  }

  /** Drops a link that went silent (no ping for 3 heartbeats), which starts a reconnection. */
  private watch(heartbeatMs: number): void {
    this.heartbeat?.unsubscribe();
    this.heartbeat = interval(heartbeatMs, this.scheduler).subscribe(() => {
      if (this.scheduler.now() - this.lastHeard > heartbeatMs * 3)
        this.socket?.close(4000, 'silent');
    });
  }

  private receive(raw: unknown) {
    this.lastHeard = this.scheduler.now();
    let parsed: ReturnType<typeof ServerMessageSchema.safeParse>;
    try {
      parsed = ServerMessageSchema.safeParse(JSON.parse(String(raw)));
    } catch {
      return;
    }
    if (!parsed.success) {
      this.errors.next(
        new TransportWebrtcError('bad_message', describeInvalid('server message', parsed.error)),
      );
      return;
    }
    const message = parsed.data;
    if (this.pending.settle(message)) return;
    switch (message.type) {
      case 'ping':
        this.write({ type: 'pong', ts: message.ts });
        return;
      case 'signal':
        return this.signals.next({ from: message.from, data: message.data });
      case 'peer-joined':
      case 'peer-updated':
        return this.presence.next({ type: message.type, peer: message.peer });
      case 'peer-left':
        return this.presence.next(message);
      case 'error':
        return this.errors.next(
          new TransportWebrtcError(message.code as TransportWebrtcErrorCode, message.message),
        );
    }
  }

  private request(message: Outbound): Promise<ServerMessage> {
    return this.pending.request(
      message.type,
      (rid) => this.write(message, rid),
      () => this.currentStatus,
    );
  }

  private write(message: Outbound, rid?: string): boolean {
    const socket = this.socket;
    if (socket?.readyState !== 1) return false;
    socket!.send(JSON.stringify({ v: SIGNALING_VERSION, rid, ...message }));
    return true;
  }
}
