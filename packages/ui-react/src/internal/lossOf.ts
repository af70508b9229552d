import type { MetricLogs } from '@trainwire/core';

// The metric names trainers use for the two losses, as the CLI reads them. (Core is to own
// these aliases; until then the widget and the CLI read the same names.)

/** Training loss of an epoch's logs, or undefined. */
export function trainLossOf(logs: MetricLogs): number | null | undefined {
  return logs['train/loss'] ?? logs.loss ?? logs.train_loss;
}

/** Validation loss of an epoch's logs, or undefined. */
export function valLossOf(logs: MetricLogs): number | null | undefined {
  return logs['val/loss'] ?? logs.val_loss;
}

/** The name under which the logs carry the validation loss, for `progress.best`. */
export function valLossKey(best: Readonly<Record<string, unknown>>): string | undefined {
  return ['val/loss', 'val_loss'].find((key) => key in best);
}
