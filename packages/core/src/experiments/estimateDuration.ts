import type { DatasetSize, DurationEstimate } from '../schemas/Preset.js';

/** How long the epochs of one completed job took, and what it trained on. */
export interface RunTiming {
  /** Mean duration of one of its epochs, ms. */
  msPerEpoch: number;
  datasetSize: DatasetSize;
}

/**
 * How long `epochs` epochs on a dataset of `datasetSize` are expected to take, from the
 * timings of completed jobs of the same profile. Only jobs whose dataset size has the same
 * unit count; each one's epoch time is scaled by the ratio of dataset sizes (an epoch
 * visits every sample once), and the estimate is the median of those, times `epochs`.
 * Without a comparable job it is `{noHistory: true}`: never a guess.
 *
 * @example
 * ```ts
 * estimateDuration([{ msPerEpoch: 500, datasetSize: { value: 1000, unit: 'samples' } }], {
 *   epochs: 10,
 *   datasetSize: { value: 2000, unit: 'samples' },
 * }); // { seconds: 10, basedOnJobs: 1 }
 * ```
 */
export function estimateDuration(
  runs: readonly RunTiming[],
  target: { epochs: number; datasetSize: DatasetSize },
): DurationEstimate {
  const scaled = runs
    .filter(
      (run) =>
        run.datasetSize.unit === target.datasetSize.unit &&
        run.datasetSize.value > 0 &&
        Number.isFinite(run.msPerEpoch) &&
        run.msPerEpoch >= 0,
    )
    .map((run) => (run.msPerEpoch * target.datasetSize.value) / run.datasetSize.value)
    .sort((a, b) => a - b);
  if (scaled.length === 0) return { noHistory: true };
  const middle = Math.floor(scaled.length / 2);
  const median =
    scaled.length % 2 === 1 ? scaled[middle]! : (scaled[middle - 1]! + scaled[middle]!) / 2;
  return {
    seconds: Math.round(median * target.epochs) / 1000,
    basedOnJobs: scaled.length,
  };
}

/**
 * An estimate as a person reads it next to a preset: "about 2 min (from 3 runs)",
 * "about 40 s (from 1 run)", "about 1 h 5 min (from 12 runs)", or "no history yet".
 */
export function formatEstimate(estimate: DurationEstimate): string {
  if ('noHistory' in estimate) return 'no history yet';
  const runs = `from ${estimate.basedOnJobs} run${estimate.basedOnJobs === 1 ? '' : 's'}`;
  return `about ${roughDuration(estimate.seconds)} (${runs})`;
}

function roughDuration(seconds: number): string {
  if (seconds < 1) return '1 s';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
