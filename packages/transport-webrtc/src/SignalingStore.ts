import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Room, RoomSchema } from '@trainwire/core';
import { type Observable, Subject } from 'rxjs';
import { z } from 'zod';
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
} from './internal/credentialRules.js';
import { describeInvalid } from './internal/describeInvalid.js';

/**
 * What a credential may register as: a `room-token` only clients, a `worker-key` only
 * workers (one name, bound by its first registration). Managing rooms and credentials
 * takes the server's admin token, which is not a stored credential.
 */
export type CredentialKind = 'room-token' | 'worker-key';

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

/**
 * Outcome of checking a credential. Whatever was wrong before the secret matched (not a
 * credential, no such credential, wrong secret, another room, no such room) gets the same
 * `auth_failed` and message; `reason` is for the server's log only, never for the peer.
 * `credentialId` is the id part of a well-formed credential, whether it exists or not.
 */
export type CredentialCheck =
  | { ok: true; credential: CredentialRecord }
  | {
      ok: false;
      /** `credential_revoked` only once the secret matched: only its holder learns it. */
      code: 'auth_failed' | 'credential_revoked';
      message: string;
      reason: 'refused' | 'revoked' | 'wrong_role';
      credentialId?: string;
    };

/** Outcome of binding a worker name to a worker key; `name` is the bound spelling. */
export type NameClaim =
  | { ok: true; name: string }
  | { ok: false; code: 'name_taken' | 'name_mismatch'; message: string; holder: string };

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
  /** Each credential once it is revoked (`revokeCredential`, `deleteRoom`), at once. */
  readonly revoked$: Observable<CredentialRecord>;
  private readonly revocations = new Subject<CredentialRecord>();

  private constructor(
    readonly path: string,
    private data: z.infer<typeof StoreFileSchema>,
  ) {
    this.revoked$ = this.revocations.asObservable();
  }

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
    const { record, issued } = issueCredential(room, kind, label, Date.now());
    this.data.credentials[record.id] = record;
    this.save();
    return issued;
  }

  /**
   * Deletes a room and revokes every credential of it; returns the revoked credential ids,
   * or undefined for an unknown room. `revoked$` emits each newly revoked one.
   */
  deleteRoom(id: string): string[] | undefined {
    if (this.data.rooms[id] === undefined) return undefined;
    const revoked: string[] = [];
    const newly: CredentialRecord[] = [];
    for (const record of Object.values(this.data.credentials)) {
      if (record.room !== id) continue;
      if (record.revokedAt === undefined) {
        record.revokedAt = Date.now();
        newly.push(listed(record));
      }
      revoked.push(record.id);
    }
    delete this.data.rooms[id];
    this.save();
    for (const record of newly) this.revocations.next(record);
    return revoked;
  }

  /**
   * Revokes a credential: it can no longer register, a worker key's name is free again,
   * and `revoked$` emits it (a running server then closes what it opened). Returns false
   * when there is none with that id.
   */
  revokeCredential(id: string): boolean {
    const record = this.data.credentials[id];
    if (!record) return false;
    if (record.revokedAt === undefined) {
      record.revokedAt = Date.now();
      this.save();
      this.revocations.next(listed(record));
    }
    return true;
  }

  /** The credential `id` without its hash, if it exists. */
  getCredential(id: string): CredentialRecord | undefined {
    const record = this.data.credentials[id];
    return record && listed(record);
  }

  /** Ids of the revoked credentials of `room`, the latest `limit` (10 000). */
  revokedIds(room: string, limit = 10_000): string[] {
    return Object.values(this.data.credentials)
      .filter((c) => c.room === room && c.revokedAt !== undefined)
      .sort((a, b) => b.revokedAt! - a.revokedAt!)
      .slice(0, limit)
      .map((c) => c.id);
  }

  /**
   * Binds worker name `name` to worker key `credentialId` on its first registration, and
   * checks it on later ones: a name held by another live key of the room is `name_taken`,
   * another name than the key's own is `name_mismatch`. Names compare case-insensitively
   * (after Unicode NFKC), so "GPU-1" cannot pass for "gpu-1".
   */
  claimWorkerName(credentialId: string, name: string): NameClaim {
    const record = this.data.credentials[credentialId];
    if (record?.kind !== 'worker-key') {
      throw new TransportWebrtcError('bad_config', `no worker key ${credentialId}`);
    }
    if (record.workerName !== undefined) {
      if (normalName(record.workerName) === normalName(name))
        return { ok: true, name: record.workerName };
      return nameMismatch(record, name);
    }
    const holder = Object.values(this.data.credentials).find(
      (c) =>
        c.id !== record.id &&
        c.room === record.room &&
        c.revokedAt === undefined &&
        c.workerName !== undefined &&
        normalName(c.workerName) === normalName(name),
    );
    if (holder) return nameTaken(holder, name, record.room);
    record.workerName = name;
    this.save();
    return { ok: true, name };
  }

  /** The credentials of `room` (all rooms when omitted), without secrets. */
  listCredentials(room?: string): CredentialRecord[] {
    return Object.values(this.data.credentials)
      .filter((c) => room === undefined || c.room === room)
      .map(listed);
  }

  /**
   * Checks `secret` for registering in `room` as `role`: clients need a room token,
   * workers a worker key. The secret is hashed and compared before anything about the
   * room is looked at, also when no credential has its id, so neither the answer nor the
   * time it takes tells an unknown room from a wrong credential.
   */
  verify(secret: string, room: string, role: 'worker' | 'client'): CredentialCheck {
    const record = this.data.credentials[credentialIdOf(secret) ?? ''];
    return judgeCredential(record, this.data.rooms[room] !== undefined, secret, room, role);
  }

  private save(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.path);
  }
}
