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
