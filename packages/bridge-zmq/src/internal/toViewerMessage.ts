import type { MetricLogs, ProgressMessage } from '@trainwire/core';

/** A message in the exact shape SLEAP's LossViewer and sleap-nn's viewers read. */
export type ViewerMessage = Record<string, unknown> & { event: string; what: string };

/** What the mapping remembers between messages of one run. */
export interface ViewerMessageContext {
  /** The epoch of the last `epoch_begin`/`epoch_end`, for a `batch_end` without one. */
  epoch?: number;
}

/**
 * Maps one progress message to the viewer format, with `what` set to the run's name
 * and both spellings of the loss keys. Returns null for an `epoch_end`/`batch_end` that
 * has no loss in any spelling: the older LossViewer raises on a missing `logs["loss"]`.
 */
export function toViewerMessage(
  progress: ProgressMessage,
  what: string,
  context: ViewerMessageContext,
): ViewerMessage | null {
  switch (progress.event) {
    case 'train_begin':
      context.epoch = undefined;
      return progress.wandb_url === undefined
        ? { event: 'train_begin', what }
        : { event: 'train_begin', what, wandb_url: progress.wandb_url };
    case 'epoch_begin':
      context.epoch = progress.epoch;
      return { event: 'epoch_begin', what, epoch: progress.epoch };
    case 'epoch_end': {
      context.epoch = progress.epoch;
      const logs = withBothSpellings(progress.logs);
      if (!Object.hasOwn(logs, 'loss')) return null;
      return { event: 'epoch_end', what, epoch: progress.epoch, logs };
    }
    case 'batch_end': {
      const logs = withBothSpellings(progress.logs);
      if (!Object.hasOwn(logs, 'loss')) return null;
      const epoch = progress.epoch ?? context.epoch;
      return epoch === undefined
        ? { event: 'batch_end', what, batch: progress.batch, logs }
        : { event: 'batch_end', what, epoch, batch: progress.batch, logs };
    }
    case 'train_end':
      return { event: 'train_end', what };
  }
}

/**
 * Adds the other spelling of each metric: sleap-nn writes `train/loss` and `val/loss`,
 * the older LossViewer reads `loss` and `val_loss`. Keys already there are kept.
 */
export function withBothSpellings(logs: MetricLogs): MetricLogs {
  const out: MetricLogs = { ...logs };
  const add = (key: string, value: number | null) => {
    if (!Object.hasOwn(out, key)) out[key] = value;
  };
  for (const [key, value] of Object.entries(logs)) {
    if (key.startsWith('train/')) add(key.slice('train/'.length), value);
    else if (key.startsWith('val/')) add(`val_${key.slice('val/'.length)}`, value);
  }
  if (Object.hasOwn(out, 'loss')) add('train/loss', out.loss as number | null);
  if (Object.hasOwn(out, 'val_loss')) add('val/loss', out.val_loss as number | null);
  return out;
}
