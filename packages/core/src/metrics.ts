import { formatDuration } from './formatValues.js';
import type { EpochRecord } from './JobProgress.js';
import type { JobSnapshot } from './JobSnapshot.js';
import type { MetricLogs } from './schemas/ProgressMessage.js';

// The names trainers give the two losses (sleap-nn and Lightning: `train/loss`,
// `val/loss`; Keras: `loss`, `val_loss`), read once here for every view.

const TRAIN_LOSS = ['train/loss', 'loss', 'train_loss'] as const;
const VAL_LOSS = ['val/loss', 'val_loss'] as const;

/** An epoch's training loss under any of its usual names; undefined when absent. */
export function trainLoss(logs: MetricLogs): number | null | undefined {
  for (const name of TRAIN_LOSS) if (name in logs) return logs[name];
  return undefined;
}

/** An epoch's validation loss under any of its usual names; undefined when absent. */
export function valLoss(logs: MetricLogs): number | null | undefined {
  for (const name of VAL_LOSS) if (name in logs) return logs[name];
  return undefined;
}

/** The name the validation loss goes by in `metrics` (e.g. `progress.best`), if any. */
export function valLossKey(metrics: Readonly<Record<string, unknown>>): string | undefined {
  return VAL_LOSS.find((name) => name in metrics);
}

/**
 * How long the job has been running, on the worker's clock: from its first `running` to
 * the last event seen. The same for `train` and for an `attach` that replayed history.
 */
export function elapsedMs(snapshot: Pick<JobSnapshot, 'startedTs' | 'lastEventTs'>): number {
  return snapshot.startedTs === null ? 0 : Math.max(0, snapshot.lastEventTs - snapshot.startedTs);
}

/** One epoch as a progress line shows it: `Epoch 3/10  loss 0.41  val loss 0.52  elapsed …  ETA …`. */
export interface EpochLine {
  /** The epoch shown, 1-based: the one running, else the last finished. */
  epoch: number;
  totalEpochs: number | null;
  trainLoss: number | null | undefined;
  valLoss: number | null | undefined;
  /** See {@link elapsedMs}. */
  elapsedMs: number;
  /** Estimated time left, ms; null before there is an estimate. */
  etaMs: number | null;
}

/**
 * The live progress line of a job (the epoch in progress, with the last finished epoch's
 * losses), or one finished epoch's line when `finished` is given. The CLI prints it, the
 * training monitor shows it: the same numbers in both views.
 *
 * @example
 * ```ts
 * const { epoch, totalEpochs } = epochLine(session.getSnapshot());
 * console.log(`Epoch ${epoch}/${totalEpochs ?? '?'}`);
 * ```
 */
export function epochLine(
  snapshot: Pick<JobSnapshot, 'progress' | 'eta' | 'startedTs' | 'lastEventTs'>,
  finished?: EpochRecord,
): EpochLine {
  const { progress, eta } = snapshot;
  const record = finished ?? progress.history[progress.history.length - 1];
  return {
    epoch:
      finished !== undefined
        ? finished.epoch + 1
        : progress.currentEpoch !== null
          ? progress.currentEpoch + 1
          : progress.completedEpochs,
    totalEpochs: progress.totalEpochs,
    trainLoss: record && trainLoss(record.logs),
    valLoss: record && valLoss(record.logs),
    elapsedMs: elapsedMs(snapshot),
    etaMs: eta === null ? null : eta.remainingMs,
  };
}

/** A predict job's line, as every view prints it: items, rate and time left, in text. */
export interface ItemsLine {
  /** "512/2000" (or "512/?" while the total is unknown). */
  count: string;
  /** Items a second, "150.0", or "—" before two reports. */
  rate: string;
  /** "0:10", or "—" while the total or the rate is unknown. */
  left: string;
}

/**
 * The parts of a predict job's progress line, from `snapshot.items`; undefined before the
 * first item. The CLI prints "Predicted 512/2000 items  150.0 items/s  ETA 0:10", the
 * widgets the same words with their own separators.
 */
export function itemsLine(items: JobSnapshot['items']): ItemsLine | undefined {
  if (items === null) return undefined;
  return {
    count: `${items.done}/${items.total ?? '?'}`,
    rate: items.ratePerSec === null ? '—' : items.ratePerSec.toFixed(1),
    left: items.etaMs === null ? '—' : formatDuration(items.etaMs),
  };
}
