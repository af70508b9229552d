/**
 * What a signaling server logs about trust: refused registrations and admin requests
 * (with the remote address), blocks, name conflicts, replaced workers and revocations.
 * Secrets never appear; credential ids do.
 */
export interface SignalingLogEntry {
  /** When, ms since the epoch (the server's scheduler). */
  at: number;
  /**
   * `auth_failed` (wrong, unknown, revoked or wrong-kind credential, or unknown room),
   * `too_many_attempts` (refused unheard while blocked), `name_taken`, `name_mismatch`,
   * `replaced` (a worker key registered again and replaced its older registration),
   * `admin_auth_failed`, `credential_revoked` (and what it closed).
   */
  event:
    | 'auth_failed'
    | 'too_many_attempts'
    | 'name_taken'
    | 'name_mismatch'
    | 'replaced'
    | 'admin_auth_failed'
    | 'credential_revoked';
  /** The remote address of the connection or request, when there is one. */
  address?: string;
  room?: string;
  /** The credential concerned (for `auth_failed`, the id the peer presented). */
  credentialId?: string;
  /** One line for an operator, e.g. "register refused from 10.0.0.7 for room lab: …". */
  message: string;
}

/** Where a signaling server sends its {@link SignalingLogEntry}s. */
export type SignalingLogger = (entry: SignalingLogEntry) => void;
