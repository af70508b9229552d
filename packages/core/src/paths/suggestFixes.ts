import type { PathResolution } from './PathResolution.js';
import { baseName } from './pathParts.js';
import type { RankedCandidate } from './rankCandidates.js';

/** What to do about inputs the worker lacks, before anyone picks a file. */
export interface PathFixSuggestion {
  /** Each unresolved input with its best candidate on the worker. */
  best: ReadonlyArray<{ role: string; clientPath: string; candidate: RankedCandidate }>;
  /**
   * A folder rewrite that fixes the first input whose best candidate has the same file
   * name in another folder (`/Users/me` → `/srv/data`); undefined when none does.
   */
  mapping: { from: string; to: string } | undefined;
}

/** The folder of a path (`/` for a file at the root). */
function folderOf(path: string): string {
  return path.slice(0, path.length - baseName(path).length).replace(/[\\/]+$/, '') || '/';
}

/**
 * The best candidate of each missing input and the folder rewrite they suggest: the CLI
 * prints them as `--map-path FROM=TO`, the path dialog offers them as one click.
 *
 * @example
 * ```ts
 * const { mapping } = suggestFixes(resolution);
 * if (mapping) console.log(`--map-path ${mapping.from}=${mapping.to}`);
 * ```
 */
export function suggestFixes(resolution: PathResolution | undefined): PathFixSuggestion {
  const best: Array<PathFixSuggestion['best'][number]> = [];
  let mapping: PathFixSuggestion['mapping'];
  for (const entry of resolution?.entries ?? []) {
    if (entry.status !== 'missing' && entry.status !== 'denied') continue;
    const candidate = entry.candidates[0];
    if (candidate === undefined) continue;
    best.push({ role: entry.role, clientPath: entry.clientPath, candidate });
    if (mapping === undefined && baseName(candidate.path) === baseName(entry.clientPath)) {
      const from = folderOf(entry.clientPath);
      const to = folderOf(candidate.path);
      if (from !== to) mapping = { from, to };
    }
  }
  return { best, mapping };
}
