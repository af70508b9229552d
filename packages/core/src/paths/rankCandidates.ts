import { baseName } from './pathParts.js';

/** A file on the worker that might be the one a client named. */
export interface RankedCandidate {
  path: string;
  size: number;
  /** Higher is better; equal-score candidates keep the worker's order. */
  score: number;
  /** Why it ranks where it does: `name+size`, `name`, `name (case differs)`, `similar`. */
  match: 'name+size' | 'name' | 'name (case differs)' | 'similar';
}

/**
 * Ranks candidate files for a missing input: same name and size first, then same name,
 * then the name in another case, then the rest by closeness of size.
 */
export function rankCandidates(
  target: { path: string; size?: number },
  candidates: ReadonlyArray<{ path: string; size: number }>,
): RankedCandidate[] {
  const name = baseName(target.path);
  const lower = name.toLowerCase();
  const ranked = candidates.map((candidate, index) => {
    const candidateName = baseName(candidate.path);
    const sameSize = target.size !== undefined && candidate.size === target.size;
    let match: RankedCandidate['match'] = 'similar';
    let score = 0;
    if (candidateName === name) {
      match = sameSize ? 'name+size' : 'name';
      score = sameSize ? 300 : 200;
    } else if (candidateName.toLowerCase() === lower) {
      match = 'name (case differs)';
      score = sameSize ? 150 : 100;
    } else if (sameSize) {
      score = 50;
    }
    if (target.size !== undefined && target.size > 0 && !sameSize) {
      const ratio = Math.min(candidate.size, target.size) / Math.max(candidate.size, target.size);
      score += Math.round(ratio * 40);
    }
    return { ranked: { path: candidate.path, size: candidate.size, score, match }, index };
  });
  ranked.sort((a, b) => b.ranked.score - a.ranked.score || a.index - b.index);
  return ranked.map((entry) => entry.ranked);
}
