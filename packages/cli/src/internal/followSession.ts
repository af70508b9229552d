import { encodeJson, isFinalJobState, type JobSession, type JobSnapshot } from '@trainwire/core';
import { ExitCode } from '../errors.js';
import type { Io } from '../Io.js';
import { formatDuration, formatMetric, framed } from './format.js';

/** How a job is shown. */
export interface FollowOptions {
  json: boolean;
  workerName: string;
  /** Print the trainer's output lines too. */
  logs?: boolean;
  /** Builds the resume command from a checkpoint path (shown when a job fails). */
  resumeCommand?: (checkpoint: string) => string;
  now?: () => number;
}

/**
 * Prints every event of `session` as NDJSON, from the first one: call it right after the
 * session is created, before anything awaits.
 */
export function printNdjson(session: JobSession, io: Io): void {
  session.events$.subscribe((event) => io.stdout.write(`${encodeJson(event)}\n`));
}

/**
 * Shows a job until it ends — a live progress line (nothing with `--json`: see
 * {@link printNdjson}) — and
 * returns the exit code: 0 completed, 1 failed or cancelled, 130 interrupted. The first
 * Ctrl-C asks for a graceful stop, the second cancels.
 */
export async function followSession(
  session: JobSession,
  io: Io,
  options: FollowOptions,
): Promise<number> {
  const now = options.now ?? Date.now;
  const started = now();
  const tty = io.stdout.isTTY === true && !options.json;
  let interrupts = 0;
  const removeInterrupt = io.onInterrupt(() => {
    interrupts++;
    if (interrupts === 1) {
      io.stderr.write(
        '\nStopping: the trainer finishes its epoch and saves a checkpoint (Ctrl-C again to cancel now)…\n',
      );
      session
        .stop()
        .catch((error: unknown) =>
          io.stderr.write(`could not stop: ${(error as Error).message}\n`),
        );
    } else if (interrupts === 2) {
      io.stderr.write('\nCancelling…\n');
      session
        .cancel()
        .catch((error: unknown) =>
          io.stderr.write(`could not cancel: ${(error as Error).message}\n`),
        );
    }
  });

  if (!options.json) {
    io.stdout.write(framed(`Running Training Remotely on ${options.workerName}...`));
    let shownEpochs = 0;
    let lineOpen = false;
    const line = (snapshot: JobSnapshot) => {
      const { progress, eta } = snapshot;
      const last = progress.history[progress.history.length - 1];
      const total = progress.totalEpochs ?? '?';
      const epoch =
        progress.currentEpoch !== null ? progress.currentEpoch + 1 : progress.completedEpochs;
      return (
        `Epoch ${epoch}/${total}  loss ${formatMetric(last?.logs['train/loss'] ?? last?.logs.loss)}  ` +
        `val loss ${formatMetric(last?.logs['val/loss'] ?? last?.logs.val_loss)}  ` +
        `elapsed ${formatDuration(now() - started)}  ETA ${eta === null ? '—' : formatDuration(eta.remainingMs)}`
      );
    };
    session.subscribe(() => {
      const snapshot = session.getSnapshot();
      if (tty && snapshot.state === 'running') {
        io.stdout.write(`\r\x1b[2K${line(snapshot)}`);
        lineOpen = true;
      } else if (!tty && snapshot.progress.completedEpochs > shownEpochs) {
        shownEpochs = snapshot.progress.completedEpochs;
        io.stdout.write(`${line(snapshot)}\n`);
      }
    });
    if (options.logs === true) {
      session.logs$.subscribe((log) => {
        if (log.replace && tty) return;
        io.stdout.write(
          `${lineOpen ? '\n' : ''}  ${log.stream === 'stderr' ? '!' : '|'} ${log.line}\n`,
        );
        lineOpen = false;
      });
    }
    session.state$.subscribe((state) => {
      if (state === 'stopping')
        io.stdout.write(`${lineOpen ? '\n' : ''}Stopping after this epoch…\n`);
      if (isFinalJobState(state) && lineOpen) io.stdout.write('\n');
    });
  }

  const final = await session.done;
  removeInterrupt();
  if (!options.json) io.stdout.write(summary(final, options));
  if (interrupts > 0) return ExitCode.interrupted;
  return final.state === 'completed' ? ExitCode.ok : ExitCode.jobFailed;
}

function summary(final: JobSnapshot, options: FollowOptions): string {
  const checkpoints = final.artifacts.filter((a) => a.kind === 'checkpoint');
  const models = final.artifacts.filter((a) => a.kind === 'model');
  const lastCheckpoint =
    (final.error?.details?.lastCheckpoint as string | undefined) ??
    checkpoints[checkpoints.length - 1]?.path;
  const lines: string[] = [];
  if (final.state === 'completed') {
    lines.push(framed('Remote Training Completed Successfully'));
    if (
      final.error === null &&
      final.progress.totalEpochs !== null &&
      final.progress.completedEpochs < final.progress.totalEpochs
    ) {
      lines.push(
        `Stopped early after epoch ${final.progress.completedEpochs} of ${final.progress.totalEpochs}.\n`,
      );
    }
    for (const model of models) lines.push(`Model: ${model.path} (on ${options.workerName})\n`);
    if (lastCheckpoint !== undefined)
      lines.push(`Last checkpoint: ${lastCheckpoint} (on ${options.workerName})\n`);
    return lines.join('');
  }
  const title =
    final.state === 'cancelled' ? 'Remote Training Cancelled' : 'Remote Training Failed';
  lines.push(framed(title));
  const total = final.progress.totalEpochs;
  lines.push(
    `Reached epoch ${final.progress.completedEpochs}${total === null ? '' : ` of ${total}`}.\n`,
  );
  if (final.error !== null) lines.push(`Error: ${final.error.message}\n`);
  const dir = final.error?.details?.checkpointDir as string | undefined;
  if (dir !== undefined) lines.push(`Checkpoints on the worker: ${dir}\n`);
  if (lastCheckpoint !== undefined) {
    lines.push(`Last checkpoint: ${lastCheckpoint}\n`);
    // The client's own command first: it repeats the flags (and local config file) the job
    // was started with; the worker's names the config file on the worker.
    const resume =
      options.resumeCommand?.(lastCheckpoint) ??
      (final.error?.details?.resumeCommand as string | undefined);
    if (resume !== undefined) lines.push(`Resume with:\n  ${resume}\n`);
  }
  return lines.join('');
}
