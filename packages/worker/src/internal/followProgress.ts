import type { ProgressMessage } from '@trainwire/core';
import type { ProgressLink } from '../runner/TrainerProcess.js';

/** After the trainer ended, progress is read until none came for this long (or `train_end` came)… */
const DRAIN_IDLE_MS = 300;
/**
 * …but no longer than this. A trainer that published faster than the worker stores (a
 * burst of 100 000 batch_end messages: ~15 s of reading here) has most of it still queued
 * for the worker when it exits; all of that is read while it keeps coming. The bound only
 * ends a link that never falls quiet.
 */
const DRAIN_MAX_MS = 120_000;

/** A trainer's progress as it is read off its link. */
export interface ProgressFollower {
  /**
   * Once the trainer ended: reads the progress still in flight (until `train_end`, or none
   * came for a moment, at most 2 minutes), then stops reading and closes the link.
   */
  drain(): Promise<void>;
}

/**
 * Passes each progress message of `link` to `onProgress`, from now until
 * {@link ProgressFollower.drain} closes it — the part every launcher shares.
 */
export function followProgress(
  link: ProgressLink,
  onProgress: (progress: ProgressMessage) => void,
): ProgressFollower {
  let sawTrainEnd = false;
  let onTrainEnd: (() => void) | undefined;
  let lastMessageAt = Date.now();
  const subscription = link.messages$.subscribe({
    next: (message) => {
      lastMessageAt = Date.now();
      if (message.kind !== 'progress') return;
      onProgress(message.progress);
      if (message.progress.event === 'train_end') {
        sawTrainEnd = true;
        onTrainEnd?.();
      }
    },
    error: () => {},
  });
  return {
    async drain() {
      // Idle is counted from the end too (a busy machine, or a cluster network, delivers late).
      const drainStart = Date.now();
      lastMessageAt = Math.max(lastMessageAt, drainStart);
      while (!sawTrainEnd && Date.now() - drainStart < DRAIN_MAX_MS) {
        if (Date.now() - lastMessageAt >= DRAIN_IDLE_MS) break;
        await new Promise<void>((r) => {
          const timer = setTimeout(r, DRAIN_IDLE_MS / 4);
          onTrainEnd = () => {
            clearTimeout(timer);
            r();
          };
        });
      }
      subscription.unsubscribe();
      await link.close().catch(() => {});
    },
  };
}
