import type { Room } from '@trainwire/core';
import { RoomSchema } from '@trainwire/core';
import type { Redis } from 'ioredis';
import { type Observable, Subject } from 'rxjs';
import { TransportWebrtcError } from './errors.js';
import {
  CredentialSchema,
  credentialIdOf,
  issueCredential,
  judgeCredential,
  listed,
  nameMismatch,
  nameTaken,
  normalName,
  type StoredCredential,
} from './internal/credentialRules.js';
import { randomId } from './internal/randomId.js';
import { DELETE_IF_EQUAL, redisKeys, WITHDRAW_PEER } from './internal/redisKeys.js';
import type { BackendDelivery, PresenceRecord, SignalingBackend } from './SignalingBackend.js';
import type {
  CredentialCheck,
  CredentialKind,
  CredentialRecord,
  IssuedCredential,
  NameClaim,
} from './SignalingStore.js';

/** Options of {@link RedisSignalingBackend.connect}. */
export interface RedisBackendOptions {
  /** Prefix of every key and channel (`trainwire:`): several deployments can share one Redis. */
  prefix?: string;
  /**
   * How long an instance stays alive without renewing, ms (30 000). Its peers vanish from
   * discovery when it runs out, and their rooms get `peer-left` at the next heartbeat
   * of another instance.
   */
  leaseMs?: number;
  /** Wall-clock time, ms (`Date.now`); every instance's clock should agree (NTP). */
  now?: () => number;
  /** How long connecting may take before `store_unavailable`, ms (5 000). */
  connectTimeoutMs?: number;
}

const REDIS_URL = /^rediss?:\/\/[^\s/?#]+(\/\d{0,2})?$/;

/**
 * A {@link SignalingBackend} in Redis: rooms, credentials and presence in keys, the
 * relay over pub/sub, so any number of signaling instances serve one room. ioredis is
 * imported only here, when the first backend connects.
 *
 * @example
 * ```ts
 * const backend = await RedisSignalingBackend.connect('redis://127.0.0.1:6379');
 * await backend.createRoom({ id: 'lab' });
 * await backend.close();
 * ```
 */
export class RedisSignalingBackend implements SignalingBackend {
  readonly kind = 'redis';
  readonly instance = randomId();
  readonly deliveries$: Observable<BackendDelivery>;
  private readonly deliveries = new Subject<BackendDelivery>();
  private readonly keys: ReturnType<typeof redisKeys>;
  private readonly now: () => number;
  private readonly leaseMs: number;
  /** The peers this instance holds, per room: a room channel is watched while it has some. */
  private readonly held = new Map<string, Set<string>>();
  private closed = false;

  private constructor(
    private readonly client: Redis,
    private readonly subscriber: Redis,
    readonly url: string,
    options: RedisBackendOptions,
  ) {
    this.deliveries$ = this.deliveries.asObservable();
    this.keys = redisKeys(options.prefix ?? 'trainwire:');
    this.now = options.now ?? Date.now;
    this.leaseMs = options.leaseMs ?? 30_000;
    client.defineCommand('twDeleteIfEqual', { numberOfKeys: 1, lua: DELETE_IF_EQUAL });
    client.defineCommand('twWithdraw', { numberOfKeys: 2, lua: WITHDRAW_PEER });
    subscriber.on('message', (channel: string, text: string) => this.receive(channel, text));
  }

  /** What is wrong with `url` as a Redis URL, in words; undefined when nothing is. */
  static problemWith(url: string): string | undefined {
    if (REDIS_URL.test(url)) return undefined;
    return `a Redis URL looks like redis://HOST:PORT (rediss:// for TLS, redis://:PASSWORD@HOST:PORT with a password, /DB optional); got "${url}"`;
  }

  /**
   * Connects to Redis at `url` (`redis://HOST:PORT[/DB]`, `rediss://` for TLS, a
   * password as `redis://:PASSWORD@HOST:PORT`). Rejects with `bad_config` for another URL
   * and `store_unavailable` when Redis does not answer.
   */
  static async connect(
    url: string,
    options: RedisBackendOptions = {},
  ): Promise<RedisSignalingBackend> {
    const problem = RedisSignalingBackend.problemWith(url);
    if (problem !== undefined) throw new TransportWebrtcError('bad_config', problem);
    const { Redis } = await import('ioredis');
    const settings = {
      lazyConnect: true,
      maxRetriesPerRequest: 3,
      connectTimeout: options.connectTimeoutMs ?? 5_000,
      // Past the first connection, reconnect forever with a capped delay.
      retryStrategy: (times: number) => Math.min(times * 200, 2_000),
    };
    const client = new Redis(url, settings);
    const subscriber = new Redis(url, settings);
    const errors: unknown[] = [];
    const note = (error: unknown) => errors.push(error);
    client.on('error', note);
    subscriber.on('error', note);
    try {
      await Promise.all([client.connect(), subscriber.connect()]);
    } catch (cause) {
      client.disconnect();
      subscriber.disconnect();
      throw new TransportWebrtcError(
        'store_unavailable',
        `cannot reach Redis at ${url}; check that it runs and the URL (--redis)`,
        { cause },
      );
    }
    // Later errors are reconnections ioredis handles; keep them off the process.
    client.off('error', note).on('error', () => undefined);
    subscriber.off('error', note).on('error', () => undefined);
    const backend = new RedisSignalingBackend(client, subscriber, url, options);
    const keys = backend.keys;
    await subscriber.subscribe(keys.instanceChannel(backend.instance), keys.revocations);
    await backend.heartbeat();
    return backend;
  }

  async serverSecret(): Promise<Buffer> {
    const fresh = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex');
    await this.client.set(this.keys.secret, fresh, 'NX');
    const secret = await this.client.get(this.keys.secret);
    return Buffer.from(secret ?? fresh, 'hex');
  }

  async createRoom(input: { id: string; name?: string }): Promise<Room> {
    const room = RoomSchema.parse({ ...input, createdAt: this.now() });
    if (await this.client.hsetnx(this.keys.rooms, room.id, JSON.stringify(room))) return room;
    return (await this.getRoom(room.id)) ?? room;
  }

  async listRooms(): Promise<Room[]> {
    const all = await this.client.hvals(this.keys.rooms);
    return all.map((text) => RoomSchema.parse(JSON.parse(text))).sort(byCreation);
  }

  async getRoom(id: string): Promise<Room | undefined> {
    const text = await this.client.hget(this.keys.rooms, id);
    return text === null ? undefined : RoomSchema.parse(JSON.parse(text));
  }

  async deleteRoom(id: string): Promise<string[] | undefined> {
    if ((await this.getRoom(id)) === undefined) return undefined;
    const records = await this.roomCredentials(id);
    const newly = records.filter((r) => r.revokedAt === undefined);
    const at = this.now();
    const multi = this.client.multi().hdel(this.keys.rooms, id).del(this.keys.roomNames(id));
    for (const record of newly)
      multi.hset(this.keys.credentials, record.id, JSON.stringify({ ...record, revokedAt: at }));
    await multi.exec();
    for (const record of newly) await this.announceRevoked({ ...record, revokedAt: at });
    return records.map((r) => r.id);
  }

  async createCredential(
    room: string,
    kind: CredentialKind,
    label = '',
  ): Promise<IssuedCredential> {
    if ((await this.getRoom(room)) === undefined) {
      throw new TransportWebrtcError(
        'room_not_found',
        `room ${room} does not exist; create it first (trainwire rooms create ${room})`,
      );
    }
    const { record, issued } = issueCredential(room, kind, label, this.now());
    await this.client
      .multi()
      .hset(this.keys.credentials, record.id, JSON.stringify(record))
      .sadd(this.keys.roomCredentials(room), record.id)
      .exec();
    return issued;
  }

  async revokeCredential(id: string): Promise<boolean> {
    const record = await this.stored(id);
    if (!record) return false;
    if (record.revokedAt !== undefined) return true;
    const revoked = { ...record, revokedAt: this.now() };
    await this.client.hset(this.keys.credentials, id, JSON.stringify(revoked));
    // A revoked key's name is free again.
    if (record.workerName !== undefined)
      await this.deleteIfEqual(this.keys.roomNames(record.room), normalName(record.workerName), id);
    await this.announceRevoked(revoked);
    return true;
  }

  async getCredential(id: string): Promise<CredentialRecord | undefined> {
    const record = await this.stored(id);
    return record && listed(record);
  }

  async listCredentials(room?: string): Promise<CredentialRecord[]> {
    if (room !== undefined) return (await this.roomCredentials(room)).map(listed);
    const all = await this.client.hvals(this.keys.credentials);
    return all.map((text) => listed(CredentialSchema.parse(JSON.parse(text))));
  }

  async revokedIds(room: string, limit = 10_000): Promise<string[]> {
    return (await this.roomCredentials(room))
      .filter((c) => c.revokedAt !== undefined)
      .sort((a, b) => b.revokedAt! - a.revokedAt!)
      .slice(0, limit)
      .map((c) => c.id);
  }

  async verify(secret: string, room: string, role: 'worker' | 'client'): Promise<CredentialCheck> {
    const id = credentialIdOf(secret);
    const [record, exists] = await Promise.all([
      id === undefined ? undefined : this.stored(id),
      this.client.hexists(this.keys.rooms, room),
    ]);
    return judgeCredential(record, exists === 1, secret, room, role);
  }

  async claimWorkerName(credentialId: string, name: string): Promise<NameClaim> {
    const record = await this.stored(credentialId);
    if (record?.kind !== 'worker-key')
      throw new TransportWebrtcError('bad_config', `no worker key ${credentialId}`);
    if (record.workerName !== undefined) {
      if (normalName(record.workerName) === normalName(name))
        return { ok: true, name: record.workerName };
      return nameMismatch(record, name);
    }
    const names = this.keys.roomNames(record.room);
    // HSETNX: of two instances binding one name at once, one wins.
    if (!(await this.client.hsetnx(names, normalName(name), record.id))) {
      const holderId = await this.client.hget(names, normalName(name));
      const holder = holderId === null ? undefined : await this.stored(holderId);
      if (holder && holder.id !== record.id) return nameTaken(holder, name, record.room);
      if (!holder) return this.claimWorkerName(credentialId, name);
    }
    await this.client.hset(
      this.keys.credentials,
      record.id,
      JSON.stringify({ ...record, workerName: name }),
    );
    return { ok: true, name };
  }

  async announce(record: Omit<PresenceRecord, 'instance'>): Promise<void> {
    const { room } = record;
    const { peerId } = record.info;
    const held = this.held.get(room);
    if (held) held.add(peerId);
    else {
      this.held.set(room, new Set([peerId]));
      await this.subscriber.subscribe(this.keys.roomChannel(room));
    }
    await this.client
      .multi()
      .hset(
        this.keys.roomPeers(room),
        peerId,
        JSON.stringify({ ...record, instance: this.instance }),
      )
      .sadd(this.keys.instancePeers(this.instance), `${room}\n${peerId}`)
      .exec();
  }

  async withdraw(room: string, peerId: string, owner = this.instance): Promise<boolean> {
    if (owner === this.instance) await this.release(room, peerId);
    const removed = await (
      this.client as unknown as Record<string, (...args: string[]) => Promise<number>>
    ).twWithdraw!(
      this.keys.roomPeers(room),
      this.keys.instancePeers(owner),
      peerId,
      owner,
      `${room}\n${peerId}`,
    );
    return removed === 1;
  }

  async peer(room: string, peerId: string): Promise<PresenceRecord | undefined> {
    const [text, alive] = await Promise.all([
      this.client.hget(this.keys.roomPeers(room), peerId),
      this.liveInstances(),
    ]);
    if (text === null) return undefined;
    const record = JSON.parse(text) as PresenceRecord;
    return alive.has(record.instance) ? record : undefined;
  }

  async online(room: string): Promise<PresenceRecord[]> {
    const [all, alive] = await Promise.all([
      this.client.hvals(this.keys.roomPeers(room)),
      this.liveInstances(),
    ]);
    return all
      .map((text) => JSON.parse(text) as PresenceRecord)
      .filter((record) => alive.has(record.instance))
      .sort((a, b) => a.info.joinedAt - b.info.joinedAt);
  }

  async publish(delivery: BackendDelivery): Promise<void> {
    const channel =
      delivery.kind === 'room'
        ? this.keys.roomChannel(delivery.room)
        : delivery.kind === 'revoked'
          ? this.keys.revocations
          : this.keys.instanceChannel(delivery.instance);
    await this.client.publish(channel, JSON.stringify(delivery));
  }

  async heartbeat(): Promise<void> {
    if (this.closed) return;
    const now = this.now();
    await this.client.zadd(this.keys.instances, now + this.leaseMs, this.instance);
    const dead = await this.client.zrangebyscore(this.keys.instances, '-inf', now);
    for (const instance of dead) {
      // Whoever removes it expires its peers: once, whichever instance gets there first.
      if ((await this.client.zrem(this.keys.instances, instance)) !== 1) continue;
      const held = this.keys.instancePeers(instance);
      for (const entry of await this.client.smembers(held)) {
        const [room, peerId] = entry.split('\n') as [string, string];
        if (await this.withdraw(room, peerId, instance))
          await this.publish({
            kind: 'room',
            room,
            except: peerId,
            event: { type: 'peer-left', peerId, reason: 'timeout' },
          });
      }
      await this.client.del(held);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      // Redis down: nothing to tidy that the others' lease check does not cover.
      if (this.client.status === 'ready') {
        await this.client.zrem(this.keys.instances, this.instance);
        await this.client.del(this.keys.instancePeers(this.instance));
      }
    } finally {
      this.deliveries.complete();
      this.subscriber.disconnect();
      if (this.client.status === 'ready') await this.client.quit().catch(() => undefined);
      this.client.disconnect();
    }
  }

  private async release(room: string, peerId: string): Promise<void> {
    const held = this.held.get(room);
    if (!held?.delete(peerId) || held.size > 0) return;
    this.held.delete(room);
    await this.subscriber.unsubscribe(this.keys.roomChannel(room));
  }

  private receive(channel: string, text: string): void {
    let delivery: BackendDelivery;
    try {
      delivery = JSON.parse(text) as BackendDelivery;
    } catch {
      return; // Not ours: another program on the same channel name.
    }
    if (channel === this.keys.revocations && delivery.kind !== 'revoked') return;
    this.deliveries.next(delivery);
  }

  private async announceRevoked(record: StoredCredential): Promise<void> {
    await this.publish({ kind: 'revoked', record: listed(record) });
  }

  private async liveInstances(): Promise<Set<string>> {
    return new Set(await this.client.zrangebyscore(this.keys.instances, this.now(), '+inf'));
  }

  private async stored(id: string): Promise<StoredCredential | undefined> {
    const text = await this.client.hget(this.keys.credentials, id);
    return text === null ? undefined : CredentialSchema.parse(JSON.parse(text));
  }

  private async roomCredentials(room: string): Promise<StoredCredential[]> {
    const ids = await this.client.smembers(this.keys.roomCredentials(room));
    if (ids.length === 0) return [];
    const texts = await this.client.hmget(this.keys.credentials, ...ids);
    return texts
      .filter((t): t is string => t !== null)
      .map((t) => CredentialSchema.parse(JSON.parse(t)));
  }

  private async deleteIfEqual(key: string, field: string, value: string): Promise<void> {
    await (this.client as unknown as Record<string, (...args: string[]) => Promise<number>>)
      .twDeleteIfEqual!(key, field, value);
  }
}

function byCreation(a: Room, b: Room): number {
  return a.createdAt - b.createdAt;
}
