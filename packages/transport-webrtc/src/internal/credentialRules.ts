import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type {
  CredentialCheck,
  CredentialKind,
  CredentialRecord,
  IssuedCredential,
  NameClaim,
} from '../SignalingStore.js';

/** A credential as a store keeps it: its salted hash, never the secret. */
export const CredentialSchema = z.object({
  id: z.string(),
  room: z.string(),
  kind: z.enum(['room-token', 'worker-key']),
  label: z.string().max(128).default(''),
  salt: z.string(),
  hash: z.string(),
  createdAt: z.number(),
  revokedAt: z.number().optional(),
  /** Worker keys: the worker name its first registration bound; no other key may use it. */
  workerName: z.string().max(128).optional(),
});

export type StoredCredential = z.infer<typeof CredentialSchema>;

const CREDENTIAL = /^tw[rk]_([0-9a-f]{12})\.([A-Za-z0-9_-]{1,64})$/;
// Compared against when there is no such credential, so a miss costs a hash like a hit.
const DUMMY_SALT = randomBytes(16).toString('hex');
const DUMMY_HASH = hashSecret(DUMMY_SALT, randomBytes(24).toString('base64url'));

/** The credential id a secret names, if it is well formed. */
export function credentialIdOf(secret: string): string | undefined {
  return CREDENTIAL.exec(secret)?.[1];
}

/** A new credential of `room`: the record to keep and what its holder is shown once. */
export function issueCredential(
  room: string,
  kind: CredentialKind,
  label: string,
  now: number,
): { record: StoredCredential; issued: IssuedCredential } {
  const id = randomBytes(6).toString('hex');
  const raw = randomBytes(24).toString('base64url');
  const salt = randomBytes(16).toString('hex');
  const record = { id, room, kind, label, salt, hash: hashSecret(salt, raw), createdAt: now };
  const prefix = kind === 'room-token' ? 'twr' : 'twk';
  const issued = { id, room, kind, label, createdAt: now, secret: `${prefix}_${id}.${raw}` };
  return { record, issued };
}

/**
 * Judges `secret` against `record` (the credential its id names, if any) for registering
 * in `room` as `role`. The secret is hashed and compared before anything about the room is
 * looked at, also without a record, so neither the answer nor its timing tells an unknown
 * room from a wrong credential.
 */
export function judgeCredential(
  record: StoredCredential | undefined,
  roomExists: boolean,
  secret: string,
  room: string,
  role: 'worker' | 'client',
): CredentialCheck {
  const match = CREDENTIAL.exec(secret);
  const credentialId = match?.[1];
  const expected = Buffer.from(record?.hash ?? DUMMY_HASH, 'hex');
  const actual = Buffer.from(hashSecret(record?.salt ?? DUMMY_SALT, match?.[2] ?? secret), 'hex');
  const matches = timingSafeEqual(expected, actual);
  const wanted = role === 'worker' ? 'worker key' : 'room token';
  if (!record || !matches || record.room !== room || !roomExists) {
    return {
      ok: false,
      code: 'auth_failed',
      reason: 'refused',
      credentialId,
      // The same words for every cause, and no room name: nothing to tell rooms apart by.
      message: `credential refused: check the room name and the credential (trainwire whoami), or ask the room's operator for a ${wanted}`,
    };
  }
  if (record.revokedAt !== undefined) {
    return {
      ok: false,
      code: 'credential_revoked',
      reason: 'revoked',
      credentialId,
      message: `credential ${record.id} was revoked; ask the room's operator for a new ${wanted}`,
    };
  }
  const allowed = role === 'worker' ? 'worker-key' : 'room-token';
  if (record.kind !== allowed) {
    const message =
      role === 'worker'
        ? `credential ${record.id} is a room token, which registers clients only; run a worker with a worker key (trainwire keys create --room ${room} --kind worker-key)`
        : `credential ${record.id} is a worker key, which registers workers only; log in with a room token (trainwire keys create --room ${room})`;
    return { ok: false, code: 'auth_failed', reason: 'wrong_role', credentialId, message };
  }
  return { ok: true, credential: listed(record) };
}

/** The refusal for a worker key already bound to another name. */
export function nameMismatch(record: StoredCredential, name: string): NameClaim {
  return {
    ok: false,
    code: 'name_mismatch',
    holder: record.id,
    message: `worker key ${record.id} is bound to the worker name "${record.workerName}"; run this worker as "${record.workerName}", or issue another worker key for "${name}"`,
  };
}

/** The refusal for a name that another live worker key of the room holds. */
export function nameTaken(holder: StoredCredential, name: string, room: string): NameClaim {
  const label = holder.label ? ` ("${holder.label}")` : '';
  return {
    ok: false,
    code: 'name_taken',
    holder: holder.id,
    message: `the worker name "${name}" in room ${room} belongs to worker key ${holder.id}${label}; pick another name, or an admin can free it with \`trainwire keys revoke ${holder.id}\``,
  };
}

/** A credential without its salt and hash, as listed. */
export function listed(record: StoredCredential): CredentialRecord {
  const { salt: _salt, hash: _hash, ...rest } = record;
  return rest;
}

/** Worker names compare case-insensitively after Unicode NFKC: "GPU-1" is "gpu-1". */
export function normalName(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

function hashSecret(salt: string, secret: string): string {
  return createHash('sha256').update(salt).update(':').update(secret).digest('hex');
}
