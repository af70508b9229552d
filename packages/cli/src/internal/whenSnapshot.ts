import type { JobSession, JobSnapshot } from '@trainwire/core';

/**
 * Resolves with the first non-undefined `pick(snapshot)`: checked now, then after each
 * change of the session.
 */
export function whenSnapshot<T>(
  session: JobSession,
  pick: (snapshot: JobSnapshot) => T | undefined,
): Promise<T> {
  return new Promise((resolve) => {
    const now = pick(session.getSnapshot());
    if (now !== undefined) return resolve(now);
    const unsubscribe = session.subscribe(() => {
      const value = pick(session.getSnapshot());
      if (value === undefined) return;
      unsubscribe();
      resolve(value);
    });
  });
}
