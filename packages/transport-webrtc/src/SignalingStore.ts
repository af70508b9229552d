import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Room, RoomSchema } from '@trainwire/core';
import { z } from 'zod';
import { TransportWebrtcError } from './errors.js';
import { describeInvalid } from './internal/describeInvalid.js';

/** `room-token` lets clients (and workers) join a room; `worker-key` lets only workers join. */
export type CredentialKind = 'room-token' | 'worker-key';

const CredentialSchema = z.object({
  id: z.string(),
  room: z.string(),
  kind: z.enum(['room-token', 'worker-key']),
  label: z.string().max(128).default(''),
  salt: z.string(),
  hash: z.string(),
  createdAt: z.number(),
  revokedAt: z.number().optional(),
});

const StoreFileSchema = z.object({
  version: z.literal(1),
  rooms: z.record(z.string(), RoomSchema),
  credentials: z.record(z.string(), CredentialSchema),
  /** Keys peer-id resumption; kept so peers keep their ids across a server restart. */
  secret: z.string().optional(),
});

/** A credential as listed to an operator; the secret itself is never stored. */
export type CredentialRecord = Omit<z.infer<typeof CredentialSchema>, 'salt' | 'hash'>;

/** A freshly created credential: `secret` is shown once and cannot be recovered. */
export interface IssuedCredential extends CredentialRecord {
  /** What a peer passes as `credential` when it registers. */
  secret: string;
}

/** Outcome of checking a credential. */
export type CredentialCheck =
  | { ok: true; credential: CredentialRecord }
  | { ok: false; code: 'auth_failed' | 'room_not_found'; message: string };

/**
 * The signaling server's persistent state: rooms and hashed credentials, kept in one
 * JSON file written atomically (temp file + rename). Operators (and the
 * `trainwire signal` command) create rooms and credentials through it.
 *
 * @example
 * ```ts
 * const store = SignalingStore.open('/var/lib/trainwire/signaling.json');
 * store.createRoom({ id: 'lab' });
 * const { secret } = store.createCredential('lab', 'worker-key', 'gpu-box-1');
 * ```
 */
export class SignalingStore {
  private constructor(
    readonly path: string,
    private data: z.infer<typeof StoreFileSchema>,
  ) {}

  /** Opens the store at `path`, creating an empty one when the file does not exist. */
  static open(path: string): SignalingStore {
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
    }
    if (text === undefined) {
      const store = new SignalingStore(path, { version: 1, rooms: {}, credentials: {} });
      store.save();
      return store;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new TransportWebrtcError(
        'store_corrupt',
        `signaling store ${path} is not JSON; restore it from a backup or move it away to start empty`,
        { cause },
      );
    }
    const parsed = StoreFileSchema.safeParse(json);
    if (!parsed.success) {
      const problem = describeInvalid(`signaling store ${path}`, parsed.error);
      throw new TransportWebrtcError('store_corrupt', `${problem}; restore it from a backup`, {
        cause: parsed.error,
      });
    }
    return new SignalingStore(path, parsed.data);
  }

  /** A random per-store secret (created on first use) the server signs resume keys with. */
  serverSecret(): Buffer {
    if (this.data.secret === undefined) {
      this.data.secret = randomBytes(32).toString('hex');
      this.save();
    }
    return Buffer.from(this.data.secret, 'hex');
  }

  /** Creates a room; returns the existing one when `id` is taken. */
  createRoom(input: { id: string; name?: string }): Room {
    const existing = this.data.rooms[input.id];
    if (existing) return existing;
    const room = RoomSchema.parse({ ...input, createdAt: Date.now() });
    this.data.rooms[room.id] = room;
    this.save();
    return room;
  }

  /** The rooms, oldest first. */
  listRooms(): Room[] {
    return Object.values(this.data.rooms).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** The room `id`, if it exists. */
  getRoom(id: string): Room | undefined {
    return this.data.rooms[id];
  }

  /** Issues a room token or worker API key for `room`; only its hash is stored. */
  createCredential(room: string, kind: CredentialKind, label = ''): IssuedCredential {
    if (!this.data.rooms[room]) {
      throw new TransportWebrtcError(
        'room_not_found',
        `room ${room} does not exist; create it first (createRoom / POST /rooms)`,
      );
    }
    const id = randomBytes(6).toString('hex');
    const raw = randomBytes(24).toString('base64url');
    const salt = randomBytes(16).toString('hex');
    const record = {
      id,
      room,
      kind,
      label,
      salt,
      hash: hashSecret(salt, raw),
      createdAt: Date.now(),
    };
    this.data.credentials[id] = record;
    this.save();
    const prefix = kind === 'room-token' ? 'twr' : 'twk';
    return { id, room, kind, label, createdAt: record.createdAt, secret: `${prefix}_${id}.${raw}` };
  }

  /** Revokes a credential; returns false when there is none with that id. */
  /**
   * Deletes a room and revokes every credential of it; returns the revoked credential ids
   * (so a running server can disconnect their peers), or undefined for an unknown room.
   */
  deleteRoom(id: string): string[] | undefined {
    if (this.data.rooms[id] === undefined) return undefined;
    const revoked: string[] = [];
    for (const record of Object.values(this.data.credentials)) {
      if (record.room !== id) continue;
      if (record.revokedAt === undefined) record.revokedAt = Date.now();
      revoked.push(record.id);
    }
    delete this.data.rooms[id];
    this.save();
    return revoked;
  }

  revokeCredential(id: string): boolean {
    const record = this.data.credentials[id];
    if (!record) return false;
    if (record.revokedAt === undefined) {
      record.revokedAt = Date.now();
      this.save();
    }
    return true;
  }

  /** The credentials of `room` (all rooms when omitted), without secrets. */
  listCredentials(room?: string): CredentialRecord[] {
    return Object.values(this.data.credentials)
      .filter((c) => room === undefined || c.room === room)
      .map(({ salt: _salt, hash: _hash, ...rest }) => rest);
  }

  /**
   * Checks `secret` for joining `room` as `role`: clients need a room token, workers a
   * worker key or a room token.
   */
  verify(secret: string, room: string, role: 'worker' | 'client'): CredentialCheck {
    if (!this.data.rooms[room])
      return { ok: false, code: 'room_not_found', message: `room ${room} does not exist` };
    const refused = (why: string): CredentialCheck => ({
      ok: false,
      code: 'auth_failed',
      message: `credential refused for room ${room}: ${why}; ask the operator for a valid ${role === 'worker' ? 'worker key' : 'room token'}`,
    });
    const match = /^tw[rk]_([0-9a-f]{12})\.([A-Za-z0-9_-]{1,64})$/.exec(secret);
    if (!match) return refused('it is not a trainwire credential');
    const record = this.data.credentials[match[1]!];
    if (!record || record.room !== room) return refused('unknown credential');
    const expected = Buffer.from(record.hash, 'hex');
    const actual = Buffer.from(hashSecret(record.salt, match[2]!), 'hex');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
      return refused('unknown credential');
    if (record.revokedAt !== undefined) return refused('it was revoked');
    if (role === 'client' && record.kind !== 'room-token')
      return refused('a worker key cannot join as a client');
    const { salt: _salt, hash: _hash, ...credential } = record;
    return { ok: true, credential };
  }

  private save(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.path);
  }
}

function hashSecret(salt: string, secret: string): string {
  return createHash('sha256').update(salt).update(':').update(secret).digest('hex');
}
