import type { PathCheck } from '../protocol/methods.js';
import { baseName, joinWorkerPath, splitPath } from './pathParts.js';
import { type RankedCandidate, rankCandidates } from './rankCandidates.js';

/** One input file and where it stands on the worker. */
export interface PathEntry {
  role: string;
  /** The path as the client named it. */
  clientPath: string;
  /** Size on the client, when known (ranks candidates). */
  size?: number;
  /**
   * `found`: the worker has it at `workerPath`; `missing`: not yet; `proposed`: a fix
   * suggests `workerPath`, to be confirmed by another `paths.check`; `denied`: outside the
   * worker's mounts.
   */
  status: 'found' | 'missing' | 'proposed' | 'denied';
  workerPath?: string;
  reason?: string;
  candidates: RankedCandidate[];
}

/** Where every input of a job stands; immutable, each fix returns a new one. */
export interface PathResolution {
  entries: readonly PathEntry[];
  /** Inputs with no worker path yet (`missing` or `denied`). */
  unresolved: number;
}

/**
 * Builds the resolution from a job's inputs and the worker's `paths.check` results
 * (matched by path).
 */
export function createPathResolution(
  inputs: Readonly<Record<string, string | { path: string; size?: number }>>,
  checks: readonly PathCheck[],
): PathResolution {
  const byPath = new Map(checks.map((check) => [check.path, check]));
  const entries = Object.entries(inputs).map(([role, input]): PathEntry => {
    const clientPath = typeof input === 'string' ? input : input.path;
    const size = typeof input === 'string' ? undefined : input.size;
    const check = byPath.get(clientPath);
    const base = size === undefined ? { role, clientPath } : { role, clientPath, size };
    if (check?.exists === true)
      return { ...base, status: 'found', workerPath: clientPath, candidates: [] };
    const candidates = rankCandidates({ path: clientPath, size }, check?.candidates ?? []);
    if (check?.denied !== undefined)
      return { ...base, status: 'denied', reason: check.denied, candidates };
    return { ...base, status: 'missing', candidates };
  });
  return summarize(entries);
}

/**
 * The user picked `workerPath` for input `role`. The part of the path that differs (the
 * prefix) is then applied to every other unresolved input under the same client folder,
 * as a `proposed` path: fixing one file fixes its siblings.
 */
export function applyPathFix(
  resolution: PathResolution,
  role: string,
  workerPath: string,
): PathResolution {
  const fixed = resolution.entries.find((entry) => entry.role === role);
  if (fixed === undefined) return resolution;
  const mapping = prefixMapping(fixed.clientPath, workerPath);
  const entries = resolution.entries.map((entry): PathEntry => {
    if (entry.role === role) return { ...entry, status: 'found', workerPath, candidates: [] };
    if (entry.status === 'found' || mapping === null) return entry;
    const mapped = mapPrefix(entry.clientPath, mapping);
    return mapped === null ? entry : { ...entry, status: 'proposed', workerPath: mapped };
  });
  return summarize(entries);
}

/**
 * The user picked a folder on the worker whose files are `listing`: every unresolved input
 * whose file name is in it resolves to that folder.
 */
export function applyFolderFix(
  resolution: PathResolution,
  folder: string,
  listing: ReadonlyArray<{ name: string; size?: number }>,
): PathResolution {
  const names = new Set(listing.map((file) => file.name));
  const entries = resolution.entries.map((entry): PathEntry => {
    if (entry.status === 'found') return entry;
    const name = baseName(entry.clientPath);
    if (!names.has(name)) return entry;
    return { ...entry, status: 'found', workerPath: joinWorkerPath(folder, name), candidates: [] };
  });
  return summarize(entries);
}

/** Worker paths by role, for inputs that have one (`found` or `proposed`). */
export function resolvedInputs(resolution: PathResolution): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const entry of resolution.entries) {
    if (entry.workerPath !== undefined && entry.status !== 'denied')
      inputs[entry.role] = entry.workerPath;
  }
  return inputs;
}

interface PrefixMapping {
  from: string[];
  to: string[];
}

/** Strips the common trailing segments: `/Users/me/data/a.mp4` → `/mnt/d/a.mp4` maps `/Users/me/data` → `/mnt/d`. */
export function prefixMapping(clientPath: string, workerPath: string): PrefixMapping | null {
  const from = splitPath(clientPath);
  const to = splitPath(workerPath);
  let common = 0;
  while (
    common < from.length &&
    common < to.length &&
    from[from.length - 1 - common] === to[to.length - 1 - common]
  ) {
    common++;
  }
  if (common === 0) return null;
  return { from: from.slice(0, from.length - common), to: to.slice(0, to.length - common) };
}

function mapPrefix(clientPath: string, mapping: PrefixMapping): string | null {
  const parts = splitPath(clientPath);
  if (parts.length <= mapping.from.length) return null;
  for (let i = 0; i < mapping.from.length; i++) if (parts[i] !== mapping.from[i]) return null;
  return [...mapping.to, ...parts.slice(mapping.from.length)].join('/');
}

function summarize(entries: PathEntry[]): PathResolution {
  const unresolved = entries.filter((e) => e.status === 'missing' || e.status === 'denied').length;
  return { entries, unresolved };
}
