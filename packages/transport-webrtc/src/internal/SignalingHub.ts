import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { interval, type SchedulerLike, type Subscription } from 'rxjs';
import type { WebSocket } from 'ws';
import type { SignalingLogEntry } from '../SignalingLogEntry.js';
import type { CredentialRecord, SignalingStore } from '../SignalingStore.js';
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

  attach(ws: WebSocket, address: string): void {
    const { perSecond, burst } = this.options.rate;
    const connection: Connection = {
      ws,
      address,
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

  /**
   * Credential `record` was revoked: closes every connection registered with it
   * (`credential_revoked`, close code 4003) and tells the rest of its room (`revoked`), so
   * that each end closes the links its holder opened.
   */
  revoke(record: CredentialRecord): void {
    const what = record.kind === 'worker-key' ? 'worker key' : 'room token';
    let closed = 0;
    for (const peer of [...this.peers.values()]) {
      if (peer.credentialId !== record.id) continue;
      this.send(peer.connection, {
        type: 'error',
        code: 'credential_revoked',
        message: `your ${what} ${record.id} was revoked by the room's operator; ask them for a new one`,
      });
      this.drop(peer.connection, 'revoked');
      peer.connection.ws.close(4003, 'credential_revoked');
      closed++;
    }
    for (const peer of this.peers.values())
      if (peer.room === record.room)
        this.send(peer.connection, { type: 'revoked', credentialId: record.id });
    this.options.log({
      event: 'credential_revoked',
      room: record.room,
      credentialId: record.id,
      message: `${what} ${record.id} of room ${record.room} revoked: ${closed} connection(s) closed, the room told to close its links`,
    });
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
    if (message.type === 'check') return this.check(connection, message);
    const peer = connection.peer;
    if (!peer) return this.refuse(connection, 'not_registered', 'register first', rid, false);
    if (message.type === 'discover') {
      const peers = this.online(peer.room).filter(
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
    // Stamped, so that each end knows which credential opened a link.
    const sender = { role: peer.info.role, credentialId: peer.credentialId, name: peer.info.name };
    this.send(target.connection, {
      type: 'signal',
      from: peer.info.peerId,
      data: message.data,
      sender,
    });
  }

  private register(connection: Connection, message: Extract<ClientMessage, { type: 'register' }>) {
    const { rid } = message;
    if (connection.peer) return this.refuse(connection, 'bad_message', 'already registered', rid);
    const admitted = admitPeer(this.options, connection.address, message);
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
    const previous = this.peers.get(peerId);
    if (previous) this.replace(previous, 'another connection took over this peer id');
    // One live worker per key: a restart (same key, same name) replaces what is left.
    if (workerName !== undefined) {
      for (const other of [...this.peers.values()]) {
        if (other.credentialId !== credential.id || other === previous) continue;
        this.replace(
          other,
          `worker key ${credential.id} registered "${workerName}" again from another connection; stop the other worker, or give each worker its own key`,
        );
        this.peers.delete(other.info.peerId);
        this.broadcast(other, { type: 'peer-left', peerId: other.info.peerId, reason: 'replaced' });
        this.options.log({
          event: 'replaced',
          address: connection.address,
          room: message.room,
          credentialId: credential.id,
          message: `worker "${workerName}" (key ${credential.id}) registered again from ${connection.address}; its older registration from ${other.connection.address} was replaced`,
        });
      }
    }
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
    this.send(connection, {
      type: 'registered',
      rid,
      peerId,
      resumeKey: this.resumeKey(message.room, peerId, credential.id),
      room: message.room,
      heartbeatMs: this.options.heartbeatMs,
      credentialId: credential.id,
      revoked: this.options.store.revokedIds(message.room),
    });
    this.broadcast(peer, { type: previous ? 'peer-updated' : 'peer-joined', peer: peer.info });
  }

  /** Answers whether a credential may register as a role, registering nothing. */
  private check(connection: Connection, message: Extract<ClientMessage, { type: 'check' }>) {
    const { rid } = message;
    const admitted = admitPeer(this.options, connection.address, message);
    if (!admitted.ok) {
      const { code, retryAfterMs } = admitted;
      this.refuse(connection, code, admitted.message, rid, false, retryAfterMs);
      connection.ws.close(4001, code);
      return;
    }
    const { id, workerName } = admitted.credential;
    this.send(connection, { type: 'checked', rid, credentialId: id, workerName });
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
