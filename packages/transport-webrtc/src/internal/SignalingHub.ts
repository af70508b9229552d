import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { interval, type SchedulerLike, type Subscription } from 'rxjs';
import type { WebSocket } from 'ws';
import type { BackendDelivery, RoomEvent, SignalingBackend } from '../SignalingBackend.js';
import type { SignalingLogEntry } from '../SignalingLogEntry.js';
import type { CredentialRecord } from '../SignalingStore.js';
import {
  type ClientMessage,
  ClientMessageSchema,
  MAX_SIGNALING_MESSAGE_BYTES,
  type PeerInfo,
  type ServerMessage,
  SIGNALING_VERSION,
} from '../signalingMessages.js';
import type { AuthLimiter } from './AuthLimiter.js';
import { admitPeer } from './admitPeer.js';
import { describeInvalid } from './describeInvalid.js';
import { matchPeer, workerProperties } from './matchPeer.js';
import { TokenBucket } from './TokenBucket.js';

/** Counters a server exposes (`/health`, `stats()`); `peers` and `connections` are this instance's. */
export interface SignalingStats {
  connections: number;
  peers: number;
  badMessages: number;
  rateLimited: number;
  evicted: number;
  relayed: number;
}

export interface HubOptions {
  /** Rooms, credentials, presence and relay: in this process, or shared through Redis. */
  store: SignalingBackend;
  secret: Buffer;
  heartbeatMs: number;
  evictAfterMs: number;
  maxMessageBytes: number;
  rate: { perSecond: number; burst: number };
  /** Time for heartbeats, eviction and rate limits. */
  scheduler: SchedulerLike;
  /** Failed authentication, per address and credential id. */
  limiter: AuthLimiter;
  log(entry: Omit<SignalingLogEntry, 'at'>): void;
}

interface Connection {
  ws: WebSocket;
  /** The remote address, for the auth limiter and the log. */
  address: string;
  bucket: TokenBucket;
  lastSeen: number;
  strikes: number;
  peer?: Peer;
  /** Its messages are handled one after another, in order, though the store is async. */
  queue: Promise<void>;
}

interface Peer {
  info: PeerInfo;
  room: string;
  credentialId: string;
  connection: Connection;
}

type Omit1<T> = T extends unknown ? Omit<T, 'v'> : never;

/**
 * The connections of one signaling instance: admission, presence, relay and heartbeat.
 * What a room shares (who is online, signals for peers on other instances, revocations)
 * goes through the {@link SignalingBackend}; `peers` holds this instance's own.
 */
export class SignalingHub {
  readonly stats: SignalingStats = {
    connections: 0,
    peers: 0,
    badMessages: 0,
    rateLimited: 0,
    evicted: 0,
    relayed: 0,
  };
  private readonly connections = new Set<Connection>();
  private readonly peers = new Map<string, Peer>();
  private readonly pinging: Subscription;
  private readonly delivering: Subscription;
  private readonly store: SignalingBackend;

  constructor(private readonly options: HubOptions) {
    this.store = options.store;
    this.pinging = interval(options.heartbeatMs, options.scheduler).subscribe(() =>
      this.heartbeat(),
    );
    this.delivering = this.store.deliveries$.subscribe((d) => this.deliver(d));
  }

  /** Peers online in `room`, on every instance. */
  async online(room: string): Promise<PeerInfo[]> {
    return (await this.store.online(room)).map((p) => p.info);
  }

  attach(ws: WebSocket, address: string): void {
    const { perSecond, burst } = this.options.rate;
    const connection: Connection = {
      ws,
      address,
      bucket: new TokenBucket(perSecond, burst, () => this.options.scheduler.now()),
      lastSeen: this.options.scheduler.now(),
      strikes: 0,
      queue: Promise.resolve(),
    };
    this.connections.add(connection);
    this.stats.connections = this.connections.size;
    ws.on('message', (data, isBinary) => this.receive(connection, data as Buffer, isBinary));
    ws.on('close', () => this.drop(connection, 'closed'));
    ws.on('error', () => ws.terminate());
  }

  /** Withdraws this instance's peers (their rooms see `peer-left` `closed`), then closes. */
  async close(): Promise<void> {
    this.pinging.unsubscribe();
    const open = [...this.connections];
    await Promise.allSettled(open.map((c) => this.drop(c, 'closed')));
    this.delivering.unsubscribe();
    for (const connection of open) connection.ws.terminate();
  }

  /**
   * Credential `record` was revoked: closes every connection of this instance registered
   * with it (`credential_revoked`, close code 4003) and tells the rest of its room here
   * (`revoked`), so that each end closes the links its holder opened. Every instance
   * does the same for its own peers.
   */
  private revoke(record: CredentialRecord): void {
    const what = record.kind === 'worker-key' ? 'worker key' : 'room token';
    let closed = 0;
    for (const peer of [...this.peers.values()]) {
      if (peer.credentialId !== record.id) continue;
      this.send(peer.connection, {
        type: 'error',
        code: 'credential_revoked',
        message: `your ${what} ${record.id} was revoked by the room's operator; ask them for a new one`,
      });
      void this.drop(peer.connection, 'revoked');
      peer.connection.ws.close(4003, 'credential_revoked');
      closed++;
    }
    for (const peer of this.peers.values())
      if (peer.room === record.room && peer.credentialId !== record.id)
        this.send(peer.connection, { type: 'revoked', credentialId: record.id });
    this.options.log({
      event: 'credential_revoked',
      room: record.room,
      credentialId: record.id,
      message: `${what} ${record.id} of room ${record.room} revoked: ${closed} connection(s) closed here, the room told to close its links`,
    });
  }

  /** What the store hands this instance: room changes, signals, replacements, revocations. */
  private deliver(delivery: BackendDelivery): void {
    if (delivery.kind === 'revoked') {
      this.revoke(delivery.record);
      return;
    }
    if (delivery.kind === 'room') {
      for (const peer of this.peers.values())
        if (peer.room === delivery.room && peer.info.peerId !== delivery.except)
          this.send(peer.connection, delivery.event);
      return;
    }
    if (delivery.instance !== this.store.instance) return;
    const peer = this.peers.get(delivery.peerId);
    if (!peer) return;
    if (delivery.kind === 'peer') {
      this.send(peer.connection, delivery.event);
      return;
    }
    // Another instance took this peer id or worker key over; it tells the room.
    this.peers.delete(delivery.peerId);
    this.stats.peers = this.peers.size;
    this.replace(peer, delivery.why);
    // Only if it is still ours: the other instance may have announced it already.
    this.store.withdraw(peer.room, delivery.peerId).catch(() => undefined);
  }

  private receive(connection: Connection, data: Buffer, isBinary: boolean) {
    connection.lastSeen = this.options.scheduler.now();
    if (!connection.bucket.take()) {
      this.stats.rateLimited++;
      // Past a few hundred refusals the peer is not listening: cut it off.
      if (++connection.strikes > 200) connection.ws.close(1008, 'rate limit');
      else if (connection.strikes % 50 === 1)
        this.refuse(connection, 'rate_limited', 'too many messages; slow down and retry');
      return;
    }
    if (isBinary) return this.refuse(connection, 'bad_message', 'send JSON text, not binary');
    if (data.length > this.options.maxMessageBytes) {
      return this.refuse(
        connection,
        'message_too_large',
        `message of ${data.length} bytes is above the limit of ${this.options.maxMessageBytes}`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString('utf8'));
    } catch {
      return this.refuse(connection, 'bad_message', 'message is not JSON');
    }
    const parsed = ClientMessageSchema.safeParse(json);
    if (!parsed.success) {
      const rid = (json as { rid?: unknown } | null)?.rid;
      const problem = describeInvalid('message', parsed.error).slice(0, 1000);
      return this.refuse(
        connection,
        'bad_message',
        `${problem}; see docs/protocol.md#signaling`,
        typeof rid === 'string' && rid.length <= 64 ? rid : undefined,
      );
    }
    const message = parsed.data;
    if (message.type === 'ping')
      return this.send(connection, { type: 'pong', rid: message.rid, ts: message.ts });
    if (message.type === 'pong') return;
    this.enqueue(connection, async () => {
      try {
        await this.handle(connection, message);
      } catch (cause) {
        // The store did not answer (Redis down): the request fails, the connection stays.
        this.refuse(
          connection,
          'store_unavailable',
          `the signaling store did not answer (${String((cause as Error).message ?? cause).slice(0, 200)}); retry shortly`,
          message.rid,
          false,
        );
      }
    });
  }

  private enqueue(connection: Connection, work: () => Promise<void>): Promise<void> {
    connection.queue = connection.queue.then(work, work);
    return connection.queue;
  }

  private async handle(connection: Connection, message: ClientMessage): Promise<void> {
    const { rid } = message;
    if (message.type === 'register') return this.register(connection, message);
    if (message.type === 'check') return this.check(connection, message);
    const peer = connection.peer;
    if (!peer) return this.refuse(connection, 'not_registered', 'register first', rid, false);
    if (message.type === 'discover') {
      const peers = (await this.online(peer.room)).filter(
        (p) => p.peerId !== peer.info.peerId && matchPeer(p, message.filter),
      );
      return this.send(connection, { type: 'peers', rid, peers });
    }
    if (message.type === 'update') {
      // A worker's name stays the one bound to its key, whatever its new info says.
      const info =
        message.info && peer.info.keyId !== undefined
          ? { ...message.info, name: peer.info.name }
          : (message.info ?? peer.info.info);
      peer.info = {
        ...peer.info,
        status: message.status ?? message.info?.status ?? peer.info.status,
        info,
        tags: message.tags ?? peer.info.tags,
        properties: { ...workerProperties(info), ...(message.properties ?? peer.info.properties) },
      };
      if (peer.info.info && peer.info.status) peer.info.info.status = peer.info.status;
      await this.store.announce(presenceOf(peer));
      this.send(connection, { type: 'updated', rid, peer: peer.info });
      return this.broadcast(peer, { type: 'peer-updated', peer: peer.info });
    }
    if (message.type !== 'signal') return;
    const local = this.peers.get(message.to);
    const target =
      local && local.room === peer.room ? local : await this.store.peer(peer.room, message.to);
    // Same answer whether the peer is elsewhere or nowhere: rooms do not leak.
    if (!target) {
      return this.refuse(
        connection,
        'peer_not_found',
        `no peer ${message.to} in this room`,
        rid,
        false,
      );
    }
    this.stats.relayed++;
    // Stamped, so that each end knows which credential opened a link.
    const sender = { role: peer.info.role, credentialId: peer.credentialId, name: peer.info.name };
    const event = { type: 'signal', from: peer.info.peerId, data: message.data, sender } as const;
    if ('connection' in target) return this.send(target.connection, event);
    await this.store.publish({
      kind: 'peer',
      instance: target.instance,
      peerId: message.to,
      event,
    });
  }

  private async register(
    connection: Connection,
    message: Extract<ClientMessage, { type: 'register' }>,
  ): Promise<void> {
    const { rid } = message;
    if (connection.peer) return this.refuse(connection, 'bad_message', 'already registered', rid);
    const admitted = await admitPeer(this.options, connection.address, message);
    if (!admitted.ok) {
      const { code, retryAfterMs } = admitted;
      this.refuse(connection, code, admitted.message, rid, false, retryAfterMs);
      connection.ws.close(4001, code);
      return;
    }
    const { credential, workerName } = admitted;
    let peerId = randomBytes(8).toString('hex');
    if (message.peerId && message.resumeKey) {
      const expected = this.resumeKey(message.room, message.peerId, credential.id);
      const given = Buffer.from(message.resumeKey);
      if (given.length === expected.length && timingSafeEqual(given, Buffer.from(expected)))
        peerId = message.peerId;
    }
    const previous = await this.store.peer(message.room, peerId);
    if (previous) await this.evict(previous, 'another connection took over this peer id');
    // One live worker per key: a restart (same key, same name) replaces what is left.
    if (workerName !== undefined) {
      const online = await this.store.online(message.room);
      for (const other of online) {
        if (other.credentialId !== credential.id || other.info.peerId === peerId) continue;
        await this.evict(
          other,
          `worker key ${credential.id} registered "${workerName}" again from another connection; stop the other worker, or give each worker its own key`,
        );
        await this.store.withdraw(other.room, other.info.peerId, other.instance);
        this.broadcastEvent(other.room, other.info.peerId, {
          type: 'peer-left',
          peerId: other.info.peerId,
          reason: 'replaced',
        });
        this.options.log({
          event: 'replaced',
          address: connection.address,
          room: message.room,
          credentialId: credential.id,
          message: `worker "${workerName}" (key ${credential.id}) registered again from ${connection.address}; its older registration (instance ${other.instance}) was replaced`,
        });
      }
    }
    // The link closed while the store answered: register nothing.
    if (!this.connections.has(connection)) return;
    const status = message.role === 'worker' ? (message.info?.status ?? 'available') : undefined;
    const name = workerName ?? message.name ?? message.info?.name ?? peerId;
    const peer: Peer = {
      room: message.room,
      credentialId: credential.id,
      connection,
      info: {
        peerId,
        role: message.role,
        name,
        ...(workerName !== undefined ? { keyId: credential.id } : {}),
        status,
        info: workerName !== undefined && message.info ? { ...message.info, name } : message.info,
        tags: message.tags ?? message.info?.tags ?? [],
        properties: { ...workerProperties(message.info), ...message.properties },
        joinedAt: previous?.info.joinedAt ?? this.options.scheduler.now(),
      },
    };
    connection.peer = peer;
    this.peers.set(peerId, peer);
    this.stats.peers = this.peers.size;
    await this.store.announce(presenceOf(peer));
    this.send(connection, {
      type: 'registered',
      rid,
      peerId,
      resumeKey: this.resumeKey(message.room, peerId, credential.id),
      room: message.room,
      heartbeatMs: this.options.heartbeatMs,
      credentialId: credential.id,
      revoked: await this.store.revokedIds(message.room),
    });
    this.broadcast(peer, { type: previous ? 'peer-updated' : 'peer-joined', peer: peer.info });
  }

  /** Answers whether a credential may register as a role, registering nothing. */
  private async check(
    connection: Connection,
    message: Extract<ClientMessage, { type: 'check' }>,
  ): Promise<void> {
    const { rid } = message;
    const admitted = await admitPeer(this.options, connection.address, message);
    if (!admitted.ok) {
      const { code, retryAfterMs } = admitted;
      this.refuse(connection, code, admitted.message, rid, false, retryAfterMs);
      connection.ws.close(4001, code);
      return;
    }
    const { id, workerName } = admitted.credential;
    this.send(connection, { type: 'checked', rid, credentialId: id, workerName });
  }

  /** Ends the registration of `record`, here or on the instance that holds it. */
  private async evict(record: { instance: string; info: PeerInfo }, why: string): Promise<void> {
    const { peerId } = record.info;
    const local = record.instance === this.store.instance ? this.peers.get(peerId) : undefined;
    if (local) {
      this.peers.delete(peerId);
      this.stats.peers = this.peers.size;
      return this.replace(local, why);
    }
    if (record.instance !== this.store.instance)
      await this.store.publish({ kind: 'replace', instance: record.instance, peerId, why });
  }

  /** Closes `old`'s connection (code 4002) and tells it why; it is no longer a peer. */
  private replace(old: Peer, why: string): void {
    old.connection.peer = undefined;
    this.send(old.connection, { type: 'error', code: 'replaced', message: why });
    old.connection.ws.close(4002, 'replaced');
  }

  /** Bound to the credential too: no other credential can take over a peer id. */
  private resumeKey(room: string, peerId: string, credentialId: string): string {
    return createHmac('sha256', this.options.secret)
      .update(`${room}\n${peerId}\n${credentialId}`)
      .digest('base64url');
  }

  /** The connection is gone: after what it sent is handled, its peer leaves the room. */
  private drop(connection: Connection, reason: 'closed' | 'timeout' | 'revoked'): Promise<void> {
    if (!this.connections.delete(connection)) return connection.queue;
    this.stats.connections = this.connections.size;
    return this.enqueue(connection, async () => {
      const peer = connection.peer;
      connection.peer = undefined;
      if (!peer || this.peers.get(peer.info.peerId) !== peer) return;
      this.peers.delete(peer.info.peerId);
      this.stats.peers = this.peers.size;
      if (await this.store.withdraw(peer.room, peer.info.peerId).catch(() => false))
        this.broadcast(peer, { type: 'peer-left', peerId: peer.info.peerId, reason });
    });
  }

  private heartbeat(): void {
    const now = this.options.scheduler.now();
    // Redis down: this instance's lease runs out and the others expire its peers.
    this.store.heartbeat().catch(() => undefined);
    for (const connection of [...this.connections]) {
      if (now - connection.lastSeen > this.options.evictAfterMs) {
        this.stats.evicted++;
        void this.drop(connection, 'timeout');
        connection.ws.terminate();
      } else {
        this.send(connection, { type: 'ping', ts: now });
      }
    }
  }

  private broadcast(from: Peer, event: RoomEvent): void {
    this.broadcastEvent(from.room, from.info.peerId, event);
  }

  private broadcastEvent(room: string, except: string, event: RoomEvent): void {
    this.store.publish({ kind: 'room', room, except, event }).catch(() => undefined);
  }

  private refuse(
    connection: Connection,
    code: string,
    message: string,
    rid?: string,
    bad = true,
    retryAfterMs?: number,
  ): void {
    if (bad) this.stats.badMessages++;
    this.send(connection, { type: 'error', rid, code, message, retryAfterMs });
  }

  private send(connection: Connection, message: Omit1<ServerMessage>): void {
    if (connection.ws.readyState !== connection.ws.OPEN) return;
    const text = JSON.stringify({ v: SIGNALING_VERSION, ...message });
    if (text.length > MAX_SIGNALING_MESSAGE_BYTES * 16) return;
    connection.ws.send(text);
  }
}

function presenceOf(peer: Peer) {
  return { room: peer.room, credentialId: peer.credentialId, info: peer.info };
}
