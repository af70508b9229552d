import type { MetricLogs } from './schemas/ProgressMessage.js';

/** One finished epoch. */
export interface EpochRecord {
  /** 0-based, as the trainer counts. */
  epoch: number;
  logs: MetricLogs;
  /** Wall time of the epoch on the worker, when its begin was seen. */
  durationMs?: number;
}

/** The best value of one metric so far. */
export interface BestMetric {
  value: number;
  epoch: number;
}

/** A job's progress: what a chart and a progress bar need. */
export interface JobProgress {
  /**
   * Epochs finished, counted by epoch number: the last finished epoch + 1. A run resumed
   * at epoch 4 that finished epochs 4–7 has completed 8 (of 8), not 4.
   */
  completedEpochs: number;
  /** The first epoch this run trained (0, or where a resumed run started); null before any. */
  startEpoch: number | null;
  /** Epoch in progress (0-based), or null between epochs. */
  currentEpoch: number | null;
  /** Total epochs, when known from the config or the trainer. */
  totalEpochs: number | null;
  /** Metrics of the last finished epoch. */
  latest: MetricLogs;
  /** Best value per metric: lowest for losses and errors, highest for anything else. */
  best: Readonly<Record<string, BestMetric>>;
  /** Every finished epoch, in order, each once. */
  history: readonly EpochRecord[];
}

/** True for metrics where lower is better (`loss`, `val/loss`, `mae`, `error`…). */
export function isLowerBetter(metric: string): boolean {
  return /loss|error|mae|mse|rmse|dist/i.test(metric);
}
