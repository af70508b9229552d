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
  type RemotePeer,
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

/**
 * A credential of the room was revoked. `own`: this client's own (the server then closed
 * this client for good, `credential_revoked`); otherwise a peer's, and every link with
 * that peer should be closed (`connectToWorker` and `createWorkerEndpoint` do).
 */
export interface Revocation {
  credentialId: string;
  own: boolean;
}

/** A relayed signal, with its sender as the server attests it. */
export interface RelayedSignal {
  from: string;
  data: SignalData;
  sender: RemotePeer;
}

/** Codes after which the server will refuse this client again: it stops. */
const FINAL = new Set([
  'auth_failed',
  'room_not_found',
  'credential_revoked',
  'name_taken',
  'name_mismatch',
  'replaced',
]);

/** Options of a {@link SignalingClient}. */
export interface SignalingClientOptions {
  /** `ws://host:port` of the signaling server (one instance, or a load balancer in front of several). */
  url: string;
  /**
   * More instances of the same signaling service (one Redis behind them), tried in turn
   * after `url`: when the first connection cannot be made, and on every reconnection
   * after a link to one of them dropped.
   */
  urls?: readonly string[];
  room: string;
  role: PeerRole;
  /** A room token for a client, a worker key for a worker. */
  credential: string;
  /** Workers must give one (or `info.name`): the server binds it to the worker key. */
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
 * with jitter, capped), keeps its peer id and re-announces its metadata. It stops for
 * good, with the reason on `errors$`, when the server refuses its credential, revokes it
 * (`credential_revoked`; `revoked$` emits it as `own`), or another registration replaces
 * it (`replaced`); `too_many_attempts` delays the next attempt by the server's
 * `retryAfterMs`.
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
  /** Offers, answers and candidates relayed from other peers, stamped with their sender. */
  readonly signals$: Observable<RelayedSignal>;
  /** Errors the server reported that answered no request. */
  readonly errors$: Observable<TransportWebrtcError>;
  /**
   * Credentials of the room revoked while this client is registered (and, after a
   * reconnection, those revoked while it was away), each once; its own last.
   */
  readonly revoked$: Observable<Revocation>;

  private readonly status = new BehaviorSubject<SignalingStatus>('connecting');
  private readonly presence = new Subject<PresenceEvent>();
  private readonly signals = new Subject<RelayedSignal>();
  private readonly errors = new Subject<TransportWebrtcError>();
  private readonly revocations = new Subject<Revocation>();
  private readonly revokedIds = new Set<string>();
  private ownCredentialId: string | undefined;
  /** The server's `retryAfterMs` for the next reconnection, after `too_many_attempts`. */
  private retryAfterMs = 0;
  private readonly pending: PendingRequests;
  private socket: WebSocketLike | undefined;
  private identity: { peerId: string; resumeKey: string } | undefined;
  private meta: Pick<SignalingClientOptions, 'name' | 'info' | 'tags' | 'properties'>;
  private attempt = 0;
  /** The instances to try: `url`, then `urls`; `current` is the one in use. */
  private readonly addresses: readonly string[];
  private current = 0;
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
    this.revoked$ = this.revocations.asObservable();
    const { name, info, tags, properties } = options;
    this.meta = { name, info, tags, properties };
    this.addresses = [...new Set([options.url, ...(options.urls ?? [])])];
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.lastHeard = this.scheduler.now();
    this.pending = new PendingRequests(options.requestTimeoutMs ?? 10_000, this.scheduler);
  }

  /** The signaling URL this client uses now (or tries next). */
  get url(): string {
    return this.addresses[this.current]!;
  }

  /** This peer's id, once registered; kept across reconnections. */
  get peerId(): string | undefined {
    return this.identity?.peerId;
  }

  get currentStatus(): SignalingStatus {
    return this.status.getValue();
  }

  /** The id of this client's credential, as the server confirmed it at registration. */
  get credentialId(): string | undefined {
    return this.ownCredentialId;
  }

  /** True when credential `id` of this room is known to be revoked. */
  isRevoked(id: string): boolean {
    return this.revokedIds.has(id);
  }

  /**
   * Connects and registers; resolves with the peer id. Rejects with `auth_failed`,
   * `credential_revoked`, `name_taken`, `name_mismatch` or `too_many_attempts` (no retry),
   * or `signaling_unreachable` when the first attempt fails.
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
    this.revocations.complete();
  }

  /** A credential was revoked: tell subscribers once; our own ends this client. */
  private revoke(credentialId: string, own: boolean): void {
    if (this.revokedIds.has(credentialId)) return;
    this.revokedIds.add(credentialId);
    this.revocations.next({ credentialId, own });
  }

  /** The server ended this registration for good (revoked, replaced): stop, and say so. */
  private ended(code: 'credential_revoked' | 'replaced', message: string): void {
    if (this.currentStatus === 'closed') return;
    const error = new TransportWebrtcError(code, message);
    if (code === 'credential_revoked' && this.ownCredentialId !== undefined)
      this.revoke(this.ownCredentialId, true);
    this.finish(error);
  }

  private open(untried = this.addresses.length - 1): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const url = this.url;
      const socket = new platform.WebSocket(url);
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
                  `the server answered register with ${reply.type}; is ${url} a trainwire signaling server?`,
                ),
              );
            }
            // Revocations missed while away are news; those from before the first
            // registration concern no link of ours.
            const away = this.identity !== undefined;
            for (const id of reply.revoked) {
              if (away) this.revoke(id, false);
              else this.revokedIds.add(id);
            }
            this.identity = { peerId: reply.peerId, resumeKey: reply.resumeKey };
            this.ownCredentialId = reply.credentialId;
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
        if (!this.identity || FINAL.has(error.code)) {
          // Revoked while we were away: what we opened must close too.
          if (error.code === 'credential_revoked' && this.ownCredentialId !== undefined)
            this.revoke(this.ownCredentialId, true);
          settled = true;
          reject(error);
          this.finish(error);
          return;
        }
        const retryAfterMs = error.details?.retryAfterMs;
        if (typeof retryAfterMs === 'number') this.retryAfterMs = retryAfterMs;
        socket.close(4000, 'register failed');
      };
      // A replaced socket may still hear the server (its `replaced`): only the current counts.
      socket.onmessage = (event) => {
        if (this.socket === socket) this.receive(event.data);
      };
      socket.onerror = () => undefined;
      socket.onclose = (event) => {
        if (this.socket !== socket) return;
        // The server's word may come as a close code alone (its error message lost).
        if (event.code === 4003)
          return this.ended(
            'credential_revoked',
            "this peer's credential was revoked; ask the room's operator for a new one",
          );
        if (event.code === 4002 && this.identity)
          return this.ended(
            'replaced',
            'another registration with this credential replaced this one',
          );
        this.socket = undefined;
        this.heartbeat?.unsubscribe();
        this.pending.failAll(
          new TransportWebrtcError('signaling_closed', 'signaling link dropped'),
        );
        if (this.currentStatus === 'closed') return;
        if (!this.identity && !settled) {
          settled = true;
          if (untried > 0) {
            // Another instance of the service may answer.
            this.current = (this.current + 1) % this.addresses.length;
            this.open(untried - 1).then(resolve, reject);
            return;
          }
          const tried =
            this.addresses.length > 1 ? ` (nor at ${this.addresses.length - 1} other URL(s))` : '';
          const error = new TransportWebrtcError(
            'signaling_unreachable',
            `cannot reach the signaling server at ${url}${tried}; check the URL and that it runs`,
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
    // That instance may be gone for good: the next attempt goes to the next one.
    this.current = (this.current + 1) % this.addresses.length;
    const backoff = backoffDelay(this.attempt++, {
      initialMs: this.options.backoff?.initialMs ?? 250,
      maxMs: this.options.backoff?.maxMs ?? 10_000,
    });
    const delay = Math.max(backoff, this.retryAfterMs);
    this.retryAfterMs = 0;
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
      case 'signal': {
        const sender = { peerId: message.from, ...message.sender };
        return this.signals.next({ from: message.from, data: message.data, sender });
      }
      case 'revoked':
        return this.revoke(message.credentialId, message.credentialId === this.ownCredentialId);
      case 'peer-joined':
      case 'peer-updated':
        return this.presence.next({ type: message.type, peer: message.peer });
      case 'peer-left':
        return this.presence.next(message);
      case 'error':
        if (message.code === 'credential_revoked' || message.code === 'replaced')
          return this.ended(message.code, message.message);
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
