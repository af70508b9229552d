import { backoffCeiling } from './backoff.js';

/** How failed authentication is slowed down (per remote address and per credential id). */
export interface AuthLimit {
  /** Failures allowed before the backoff starts (5). */
  freeFailures: number;
  /** The first block, ms (1 000); each further failure doubles it. */
  baseMs: number;
  /** The longest block, ms (300 000). */
  maxMs: number;
  /** Failures are forgotten after this long without one, ms (900 000). */
  resetAfterMs: number;
}

export const DEFAULT_AUTH_LIMIT: AuthLimit = {
  freeFailures: 5,
  baseMs: 1_000,
  maxMs: 300_000,
  resetAfterMs: 900_000,
};

interface Entry {
  failures: number;
  lastFailure: number;
  blockedUntil: number;
  /** Attempts refused unheard during the current block. */
  refused: number;
}

const CREDENTIAL_ID = /^tw[rk]_([0-9a-f]{12})\./;

/** The limiter's keys of an attempt: its address, and the credential id it names. */
export function authKeys(address: string, credential?: string): string[] {
  const id = credential === undefined ? undefined : CREDENTIAL_ID.exec(credential)?.[1];
  return id === undefined ? [`ip:${address}`] : [`ip:${address}`, `cred:${id}`];
}

/** Entries kept at most; past it the stale ones go, then the oldest. */
const MAX_ENTRIES = 100_000;

/**
 * Failed-authentication bookkeeping with exponential backoff: after `freeFailures`
 * failures of a key (`ip:…`, `cred:…`) within `resetAfterMs`, each further failure blocks
 * the key for `baseMs · 2^n` (at most `maxMs`); a blocked key is refused without looking
 * at its credential, so even a valid one waits. A success clears its keys.
 */
export class AuthLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly limit: AuthLimit,
    private readonly now: () => number,
  ) {}

  /** How long, ms, until every one of `keys` may try again; 0 when none is blocked. */
  blockedFor(keys: readonly string[]): number {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry && entry.blockedUntil > now) wait = Math.max(wait, entry.blockedUntil - now);
    }
    return wait;
  }

  /** Counts an attempt refused while blocked; returns how many so far in this block. */
  refusedWhileBlocked(keys: readonly string[]): number {
    let most = 0;
    const now = this.now();
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry && entry.blockedUntil > now) most = Math.max(most, ++entry.refused);
    }
    return most;
  }

  /** Records a failure of each key; returns the block it started, ms (0 while free). */
  fail(keys: readonly string[]): number {
    const now = this.now();
    let block = 0;
    for (const key of keys) {
      let entry = this.entries.get(key);
      if (!entry || now - entry.lastFailure > this.limit.resetAfterMs) {
        entry = { failures: 0, lastFailure: now, blockedUntil: 0, refused: 0 };
        this.entries.delete(key);
        this.entries.set(key, entry);
      }
      entry.failures++;
      entry.lastFailure = now;
      entry.refused = 0;
      const over = entry.failures - this.limit.freeFailures;
      if (over > 0) {
        const ms = backoffCeiling(over - 1, {
          initialMs: this.limit.baseMs,
          maxMs: this.limit.maxMs,
        });
        entry.blockedUntil = now + ms;
        block = Math.max(block, ms);
      }
    }
    this.prune(now);
    return block;
  }

  /** A success: the keys start afresh. */
  succeed(keys: readonly string[]): void {
    for (const key of keys) this.entries.delete(key);
  }

  private prune(now: number): void {
    if (this.entries.size <= MAX_ENTRIES) return;
    for (const [key, entry] of this.entries) {
      if (now - entry.lastFailure > this.limit.resetAfterMs && entry.blockedUntil <= now)
        this.entries.delete(key);
    }
    // Oldest first (insertion order): an attacker with many addresses forgets its own first.
    for (const key of this.entries.keys()) {
      if (this.entries.size <= MAX_ENTRIES) break;
      this.entries.delete(key);
    }
  }
}
