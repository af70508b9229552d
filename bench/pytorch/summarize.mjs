// pytorch.bench's arithmetic: epoch times from a run's stamped progress messages, and the
// overhead of one arm over the other with its spread over the bare/trainwire pairs.
import { median } from '../lib/results.mjs';

/**
 * Each epoch's time, from its `epoch_begin` to the next one's (the last: to `train_end`),
 * so an epoch includes its validation and its checkpoint writes; the first epoch (warm-up)
 * is left out.
 * @throws Error when the run did not report `epochs` epochs and its end.
 */
export function epochTimes(marks, epochs, what) {
  const begins = marks.filter((m) => m.event === 'epoch_begin');
  const end = marks.find((m) => m.event === 'train_end');
  if (begins.length !== epochs || end === undefined) {
    throw new Error(
      `${what} reported ${begins.length} of ${epochs} epochs${end ? '' : ' and no train_end'}`,
    );
  }
  const times = begins.map((b, i) => (begins[i + 1] ?? end).at - b.at);
  return times.slice(1);
}

/**
 * The trainer's CPU time (user + system, all its threads) per epoch over the same epochs:
 * from the second `epoch_begin` to `train_end`, divided by their count. Less swayed than
 * wall time by what else runs on the machine.
 * @throws Error when the trainer's CPU time was not read at both ends.
 */
export function cpuPerEpoch(marks, epochs, what) {
  const from = marks.filter((m) => m.event === 'epoch_begin')[1];
  const to = marks.find((m) => m.event === 'train_end');
  if (from?.cpu === undefined || to?.cpu === undefined) {
    throw new Error(`${what}: the trainer's CPU time could not be read from /proc`);
  }
  return (to.cpu - from.cpu) / (epochs - 1);
}

/**
 * Items per second of a predict run's loop: `train_begin` (after the model and the images
 * were loaded) → the last `batch_end` (sent after the predictions file was written).
 */
export function predictRate(marks, items, what) {
  const begin = marks.find((m) => m.event === 'train_begin');
  const last = marks.findLast((m) => m.event === 'batch_end' && m.items === items);
  if (!begin || !last) throw new Error(`${what} did not report ${items} items done`);
  return (items * 1000) / (last.at - begin.at);
}

/** `(value - 1) × 100`, the percentage a ratio is above 1. */
export const pct = (ratio) => (ratio - 1) * 100;

/**
 * trainwire's overhead over bare: pooled (median of all trainwire epochs ÷ median of all
 * bare ones), and per pair (each pair's medians), with the pairs' min and max.
 * `pairs`: `[{ bare: number[], trainwire: number[] }]` of epoch times.
 */
export function overhead(pairs) {
  const perPair = pairs.map((p) => pct(median(p.trainwire) / median(p.bare)));
  const all = (arm) => pairs.flatMap((p) => p[arm]);
  return {
    bareEpochMs: median(all('bare')),
    trainwireEpochMs: median(all('trainwire')),
    overheadPct: pct(median(all('trainwire')) / median(all('bare'))),
    pairOverheadPct: perPair,
    spreadPct: { min: Math.min(...perPair), max: Math.max(...perPair) },
  };
}

/**
 * The bare arm against itself (an A/A comparison): each pair's bare median over the one
 * before it, as percentages, with the widest in either direction. Nothing differs between
 * two bare runs but the moment they ran, so this is the machine's own run-to-run noise.
 * Undefined with fewer than two pairs.
 */
export function bareNoise(pairs) {
  const steps = pairs.slice(1).map((p, i) => pct(median(p.bare) / median(pairs[i].bare)));
  if (steps.length === 0) return undefined;
  return {
    stepsPct: steps,
    min: Math.min(...steps),
    max: Math.max(...steps),
    widestPct: Math.max(...steps.map(Math.abs)),
  };
}

/**
 * met when the whole spread is below `aimPct`, not met when all of it is at or above,
 * else no verdict — and no verdict either way when `noise` (bareNoise) is as wide as the
 * aim: where two bare runs differ by that much, a pair on one side of the aim is chance.
 * @returns {{ verdict: 'met' | 'not met' | 'no verdict', why: string }}
 */
export function verdict(spread, aimPct, noise) {
  if (noise !== undefined && noise.widestPct >= aimPct)
    return {
      verdict: 'no verdict',
      why: `two bare runs differ by up to ${noise.widestPct.toFixed(1)} % on this machine, more than the ${aimPct} % aim`,
    };
  if (spread.max < aimPct) return { verdict: 'met', why: `every pair is below ${aimPct} %` };
  if (spread.min >= aimPct)
    return { verdict: 'not met', why: `every pair is at or above ${aimPct} %` };
  return { verdict: 'no verdict', why: `the pairs straddle ${aimPct} %` };
}
