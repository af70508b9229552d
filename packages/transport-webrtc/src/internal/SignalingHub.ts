import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { interval, type SchedulerLike, type Subscription } from 'rxjs';
import type { WebSocket } from 'ws';
import type { SignalingStore } from '../SignalingStore.js';
import {
  type ClientMessage,
  ClientMessageSchema,
  MAX_SIGNALING_MESSAGE_BYTES,
  type PeerInfo,
  type ServerMessage,
  SIGNALING_VERSION,
} from '../signalingMessages.js';
import { describeInvalid } from './describeInvalid.js';
import { matchPeer, workerProperties } from './matchPeer.js';
import { TokenBucket } from './TokenBucket.js';

/** Counters a server exposes (`/health`, `stats()`). */
export interface SignalingStats {
  connections: number;
  peers: number;
  badMessages: number;
  rateLimited: number;
  evicted: number;
  relayed: number;
}

export interface HubOptions {
  store: SignalingStore;
  secret: Buffer;
  heartbeatMs: number;
  evictAfterMs: number;
  maxMessageBytes: number;
  rate: { perSecond: number; burst: number };
  /** Time for heartbeats, eviction and rate limits. */
  scheduler: SchedulerLike;
}

interface Connection {
  ws: WebSocket;
  bucket: TokenBucket;
  lastSeen: number;
  strikes: number;
  peer?: Peer;
}

interface Peer {
  info: PeerInfo;
  room: string;
  credentialId: string;
  connection: Connection;
}

type Omit1<T> = T extends unknown ? Omit<T, 'v'> : never;

/** Rooms, presence, relay and heartbeat of a signaling server; transport-agnostic. */
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

  constructor(private readonly options: HubOptions) {
    this.pinging = interval(options.heartbeatMs, options.scheduler).subscribe(() =>
      this.heartbeat(),
    );
  }

  /** Peers online in `room`. */
  online(room: string): PeerInfo[] {
    return [...this.peers.values()].filter((p) => p.room === room).map((p) => p.info);
  }

  attach(ws: WebSocket): void {
    const { perSecond, burst } = this.options.rate;
    const connection: Connection = {
      ws,
      bucket: new TokenBucket(perSecond, burst, () => this.options.scheduler.now()),
      lastSeen: this.options.scheduler.now(),
      strikes: 0,
    };
    this.connections.add(connection);
    this.stats.connections = this.connections.size;
    ws.on('message', (data, isBinary) => this.receive(connection, data as Buffer, isBinary));
    ws.on('close', () => this.drop(connection, 'closed'));
    ws.on('error', () => ws.terminate());
  }

  /** Disconnects every peer that registered with credential `id`. */
  kickCredential(id: string): void {
    for (const peer of [...this.peers.values()]) {
      if (peer.credentialId !== id) continue;
      this.send(peer.connection, {
        type: 'error',
        code: 'auth_failed',
        message: 'your credential was revoked; ask the operator for a new one',
      });
      this.drop(peer.connection, 'revoked');
      peer.connection.ws.close(4001, 'credential revoked');
    }
  }

  close(): void {
    this.pinging.unsubscribe();
    for (const connection of this.connections) connection.ws.terminate();
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
    this.handle(connection, parsed.data);
  }

  private handle(connection: Connection, message: ClientMessage) {
    const { rid } = message;
    if (message.type === 'ping')
      return this.send(connection, { type: 'pong', rid, ts: message.ts });
    if (message.type === 'pong') return;
    if (message.type === 'register') return this.register(connection, message);
    const peer = connection.peer;
    if (!peer) return this.refuse(connection, 'not_registered', 'register first', rid, false);
    if (message.type === 'discover') {
      const peers = this.online(peer.room).filter(
        (p) => p.peerId !== peer.info.peerId && matchPeer(p, message.filter),
      );
      return this.send(connection, { type: 'peers', rid, peers });
    }
    if (message.type === 'update') {
      const info = message.info ?? peer.info.info;
      peer.info = {
        ...peer.info,
        status: message.status ?? message.info?.status ?? peer.info.status,
        info,
        tags: message.tags ?? peer.info.tags,
        properties: { ...workerProperties(info), ...(message.properties ?? peer.info.properties) },
      };
      if (peer.info.info && peer.info.status) peer.info.info.status = peer.info.status;
      this.send(connection, { type: 'updated', rid, peer: peer.info });
      return this.broadcast(peer, { type: 'peer-updated', peer: peer.info });
    }
    const target = this.peers.get(message.to);
    // Same answer whether the peer is elsewhere or nowhere: rooms do not leak.
    if (!target || target.room !== peer.room) {
      return this.refuse(
        connection,
        'peer_not_found',
        `no peer ${message.to} in this room`,
        rid,
        false,
      );
    }
    this.stats.relayed++;
    this.send(target.connection, { type: 'signal', from: peer.info.peerId, data: message.data });
  }

  private register(connection: Connection, message: Extract<ClientMessage, { type: 'register' }>) {
    const { rid } = message;
    if (connection.peer) return this.refuse(connection, 'bad_message', 'already registered', rid);
    const check = this.options.store.verify(message.credential, message.room, message.role);
    if (!check.ok) {
      this.refuse(connection, check.code, check.message, rid);
      connection.ws.close(4001, check.code);
      return;
    }
    let peerId = randomBytes(8).toString('hex');
    if (message.peerId && message.resumeKey) {
      const expected = this.resumeKey(message.room, message.peerId);
      const given = Buffer.from(message.resumeKey);
      if (given.length === expected.length && timingSafeEqual(given, Buffer.from(expected)))
        peerId = message.peerId;
    }
    const previous = this.peers.get(peerId);
    if (previous) {
      previous.connection.peer = undefined;
      previous.connection.ws.close(4002, 'replaced by a new connection');
    }
    const status = message.role === 'worker' ? (message.info?.status ?? 'available') : undefined;
    const peer: Peer = {
      room: message.room,
      credentialId: check.credential.id,
      connection,
      info: {
        peerId,
        role: message.role,
        name: message.name ?? message.info?.name ?? peerId,
        status,
        info: message.info,
        tags: message.tags ?? message.info?.tags ?? [],
        properties: { ...workerProperties(message.info), ...message.properties },
        joinedAt: previous?.info.joinedAt ?? this.options.scheduler.now(),
      },
    };
    connection.peer = peer;
    this.peers.set(peerId, peer);
    this.stats.peers = this.peers.size;
    this.send(connection, {
      type: 'registered',
      rid,
      peerId,
      resumeKey: this.resumeKey(message.room, peerId),
      room: message.room,
      heartbeatMs: this.options.heartbeatMs,
    });
    this.broadcast(peer, { type: previous ? 'peer-updated' : 'peer-joined', peer: peer.info });
  }

  private resumeKey(room: string, peerId: string): string {
    return createHmac('sha256', this.options.secret)
      .update(`${room}\n${peerId}`)
      .digest('base64url');
  }

  private drop(connection: Connection, reason: 'closed' | 'timeout' | 'revoked'): void {
    if (!this.connections.delete(connection)) return;
    this.stats.connections = this.connections.size;
    const peer = connection.peer;
    connection.peer = undefined;
    if (!peer || this.peers.get(peer.info.peerId) !== peer) return;
    this.peers.delete(peer.info.peerId);
    this.stats.peers = this.peers.size;
    this.broadcast(peer, { type: 'peer-left', peerId: peer.info.peerId, reason });
  }

  private heartbeat(): void {
    const now = this.options.scheduler.now();
    for (const connection of [...this.connections]) {
      if (now - connection.lastSeen > this.options.evictAfterMs) {
        this.stats.evicted++;
        this.drop(connection, 'timeout');
        connection.ws.terminate();
      } else {
        this.send(connection, { type: 'ping', ts: now });
      }
    }
  }

  private broadcast(from: Peer, message: Omit1<ServerMessage>): void {
    for (const peer of this.peers.values())
      if (peer.room === from.room && peer !== from) this.send(peer.connection, message);
  }

  private refuse(
    connection: Connection,
    code: string,
    message: string,
    rid?: string,
    bad = true,
  ): void {
    if (bad) this.stats.badMessages++;
    this.send(connection, { type: 'error', rid, code, message });
  }

  private send(connection: Connection, message: Omit1<ServerMessage>): void {
    if (connection.ws.readyState !== connection.ws.OPEN) return;
    const text = JSON.stringify({ v: SIGNALING_VERSION, ...message });
    if (text.length > MAX_SIGNALING_MESSAGE_BYTES * 16) return;
    connection.ws.send(text);
  }
}
