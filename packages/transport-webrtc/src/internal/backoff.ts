/**
 * The un-jittered wait before retry number `attempt` (0 first): doubling from
 * `initialMs`, capped at `maxMs`.
 */
export function backoffCeiling(
  attempt: number,
  { initialMs, maxMs }: { initialMs: number; maxMs: number },
): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
}

/**
 * The wait before retry number `attempt` (0 first): doubling from `initialMs`, capped at
 * `maxMs`, with "equal jitter" (between half and all of it) so that peers that lost the
 * same server do not all come back in the same millisecond.
 */
export function backoffDelay(
  attempt: number,
  schedule: { initialMs: number; maxMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = backoffCeiling(attempt, schedule);
  return ceiling / 2 + (random() * ceiling) / 2;
}
