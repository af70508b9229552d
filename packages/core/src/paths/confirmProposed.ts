import type { PathResolution } from './PathResolution.js';

/**
 * Asks the worker whether the paths proposed from a sibling's fix (status `proposed`)
 * exist, and marks each `found` or `missing`; `unresolved` is counted again. `check`
 * answers for a list of worker paths (`paths.check`).
 *
 * @example
 * ```ts
 * const check = async (paths: string[]) =>
 *   (await peer.request('paths.check', { paths })).results.map((r) => ({ path: r.path, exists: r.exists }));
 * resolution = await confirmProposed(resolution, check);
 * ```
 */
export async function confirmProposed(
  resolution: PathResolution,
  check: (paths: string[]) => Promise<ReadonlyArray<{ path: string; exists: boolean }>>,
): Promise<PathResolution> {
  const proposed = resolution.entries.filter((e) => e.status === 'proposed');
  if (proposed.length === 0) return resolution;
  const confirmed = new Map(
    (await check(proposed.map((e) => e.workerPath!))).map((r) => [r.path, r.exists]),
  );
  const entries = resolution.entries.map((e) =>
    e.status === 'proposed'
      ? { ...e, status: confirmed.get(e.workerPath!) ? ('found' as const) : ('missing' as const) }
      : e,
  );
  return {
    ...resolution,
    entries,
    unresolved: entries.filter((e) => e.status === 'missing' || e.status === 'denied').length,
  };
}
