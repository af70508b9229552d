import type { SignalingBackend } from '../SignalingBackend.js';
import type { SignalingLogEntry } from '../SignalingLogEntry.js';
import type { CredentialRecord } from '../SignalingStore.js';
import type { ClientMessage } from '../signalingMessages.js';
import { type AuthLimiter, authKeys } from './AuthLimiter.js';

/** What admission needs from the server. */
export interface AdmissionContext {
  store: SignalingBackend;
  limiter: AuthLimiter;
  log(entry: Omit<SignalingLogEntry, 'at'>): void;
}

/** A registration let in (with the worker's bound name), or the refusal to send. */
export type Admission =
  | { ok: true; credential: CredentialRecord; workerName?: string }
  | { ok: false; code: string; message: string; retryAfterMs?: number };

type Register = Extract<ClientMessage, { type: 'register' | 'check' }>;

/**
 * Decides a `register` (or a `check`, which stops before the name): refused unheard while its address or credential id is blocked;
 * then the credential (role by kind: room tokens register clients, worker keys workers);
 * then, for a worker, its name against the key's bound name. Every refusal is logged with
 * the address; failed credentials count towards the backoff, a success clears it.
 */
export async function admitPeer(
  ctx: AdmissionContext,
  address: string,
  message: Register,
): Promise<Admission> {
  const { room, role } = message;
  const keys = authKeys(address, message.credential);
  const wait = ctx.limiter.blockedFor(keys);
  if (wait > 0) {
    const refused = ctx.limiter.refusedWhileBlocked(keys);
    // A flood is logged, not every one of its attempts.
    if (refused === 1 || refused % 100 === 0) {
      ctx.log({
        event: 'too_many_attempts',
        address,
        room,
        message: `${message.type} refused unheard from ${address} for room ${room}: blocked after repeated failures (${refused} attempt(s) refused in this block, ${Math.ceil(wait / 1000)} s left)`,
      });
    }
    return {
      ok: false,
      code: 'too_many_attempts',
      message: `too many failed attempts from this address or with this credential; retry in ${Math.ceil(wait / 1000)} s`,
      retryAfterMs: wait,
    };
  }
  const check = await ctx.store.verify(message.credential, room, role);
  if (!check.ok) {
    // A valid credential of the wrong kind is a configuration mistake, not a guess.
    const block = check.reason === 'wrong_role' ? 0 : ctx.limiter.fail(keys);
    const why = {
      refused: 'wrong or unknown credential, or no such room',
      revoked: 'the credential was revoked',
      wrong_role: `the credential's kind may not register a ${role}`,
    }[check.reason];
    ctx.log({
      event: 'auth_failed',
      address,
      room,
      credentialId: check.credentialId,
      message: `${message.type} refused from ${address} for room ${room} as ${role} (credential ${check.credentialId ?? 'malformed'}): ${why}${block > 0 ? `; further attempts blocked for ${Math.ceil(block / 1000)} s` : ''}`,
    });
    return { ok: false, code: check.code, message: check.message };
  }
  ctx.limiter.succeed(keys);
  const { credential } = check;
  // A check binds no name: a login check must not claim one for its key.
  if (role !== 'worker' || message.type === 'check') return { ok: true, credential };
  const name = message.name || message.info?.name;
  if (!name) {
    return {
      ok: false,
      code: 'bad_message',
      message: 'a worker registers with a name (name or info.name); it is bound to its worker key',
    };
  }
  const claim = await ctx.store.claimWorkerName(credential.id, name);
  if (!claim.ok) {
    ctx.log({
      event: claim.code,
      address,
      room,
      credentialId: credential.id,
      message: `worker "${name}" refused from ${address} in room ${room} (key ${credential.id}): ${claim.message}`,
    });
    return { ok: false, code: claim.code, message: claim.message };
  }
  return { ok: true, credential, workerName: claim.name };
}
