import {
  describeFailure,
  describeOutcome,
  describeStage,
  type EpochRecord,
  encodeJson,
  epochLine,
  isFinalJobState,
  itemsLine,
  type JobOutcome,
  type JobSession,
  type JobSnapshot,
  type WorkerLinkState,
} from '@trainwire/core';
import { ExitCode } from '../errors.js';
import type { Io } from '../Io.js';
import { formatDuration, formatMetric, framed } from './format.js';

/** How a job is shown. */
export interface FollowOptions {
  json: boolean;
  workerName: string;
  /** Print the trainer's output lines too. */
  logs?: boolean;
  /**
   * True when this command started the job (`train`, `up`): Ctrl-C stops it, twice cancels
   * it. False for `attach`, which only watches: Ctrl-C detaches and the job goes on.
   */
  ownsJob?: boolean;
  /** How long the client waits for an unreachable worker, for the message (ms). */
  waitForWorkerMs?: number;
  /** Name `trainwire fetch JOB` at the end (not for `up`, whose files are already here). */
  fetchHint?: boolean;
  /** The flags that reach the job's worker again (`--worker W`, `--data-dir D`), for that hint. */
  fetchFlags?: string;
  /** Builds the resume command from a checkpoint path (shown when a job fails). */
  resumeCommand?: (checkpoint: string) => string;
}

/**
 * Prints every event of `session` as NDJSON, from the first one, and a
 * `{"type":"connection",…}` line whenever the link to the worker changes: call it right
 * after the session is created, before anything awaits.
 */
export function printNdjson(session: JobSession, io: Io): void {
  session.events$.subscribe((event) => io.stdout.write(`${encodeJson(event)}\n`));
  onConnectionChange(session, (connection) =>
    io.stdout.write(
      `${JSON.stringify({ type: 'connection', jobId: session.jobId, ...connection })}\n`,
    ),
  );
}

/**
 * Shows a job until it ends — a live progress line (nothing with `--json`: see
 * {@link printNdjson}), and what happens to the link to its worker — and returns the
 * exit code: 0 completed, 1 failed or cancelled, 3 the worker was lost, 130 interrupted.
 */
export async function followSession(
  session: JobSession,
  io: Io,
  options: FollowOptions,
): Promise<number> {
  const owns = options.ownsJob !== false;
  const tty = io.stdout.isTTY === true && !options.json;
  let interrupts = 0;
  let lineOpen = false;
  const say = (text: string) => {
    io.stderr.write(`${lineOpen ? '\n' : ''}${text}\n`);
    lineOpen = false;
  };
  let release!: (reason: 'interrupted') => void;
  const letGo = new Promise<'interrupted'>((resolve) => {
    release = resolve;
  });
  const jobId = session.jobId;
  const stillRunning = `\`trainwire attach ${jobId}\` shows it later; \`trainwire stop ${jobId}\` stops it`;
  const removeInterrupt = io.onInterrupt(() => {
    interrupts++;
    const { connection } = session.getSnapshot();
    if (!owns) {
      say(
        `\nDetached from job ${jobId}; it goes on running on ${connection.worker}. ${stillRunning}.`,
      );
      release('interrupted');
    } else if (connection.status !== 'connected') {
      // Nothing can reach the worker: stop waiting, and say what is known.
      say(
        `\nStopped waiting for worker ${connection.worker}; job ${jobId} may still be running. ${stillRunning}.`,
      );
      release('interrupted');
    } else if (interrupts === 1) {
      say(
        '\nStopping: the trainer finishes its epoch and saves a checkpoint (Ctrl-C again to cancel now)…',
      );
      session.stop().catch((error: unknown) => {
        say(
          `Could not ask the worker to stop (${(error as Error).message}); stopped following. ${stillRunning}.`,
        );
        release('interrupted');
      });
    } else if (interrupts === 2) {
      say('\nCancelling…');
      session.cancel().catch((error: unknown) => {
        say(
          `Could not ask the worker to cancel (${(error as Error).message}); stopped following. ${stillRunning}.`,
        );
        release('interrupted');
      });
    } else {
      say(`\nStopped following job ${jobId}. ${stillRunning}.`);
      release('interrupted');
    }
  });

  const cleanups: Array<() => void> = [];
  if (!options.json) {
    const predicting = session.spec.predict !== undefined;
    io.stdout.write(
      framed(
        `Running ${predicting ? 'Prediction' : 'Training'} Remotely on ${options.workerName}...`,
      ),
    );
    let shownEpochs = 0;
    let shownStage: number | null = null;
    let shownItemsDecile = -1;
    /** The live line (the epoch in progress), or one finished epoch's line: core's numbers. */
    const line = (snapshot: JobSnapshot, finished?: EpochRecord) => {
      if (predicting) return predictLine(snapshot);
      const e = epochLine(snapshot, finished);
      return (
        `Epoch ${e.epoch}/${e.totalEpochs ?? '?'}  loss ${formatMetric(e.trainLoss)}  ` +
        `val loss ${formatMetric(e.valLoss)}  ` +
        `elapsed ${formatDuration(e.elapsedMs)}  ETA ${e.etaMs === null ? '—' : formatDuration(e.etaMs)}`
      );
    };
    cleanups.push(
      session.subscribe(() => {
        const snapshot = session.getSnapshot();
        // A pipeline's stage, once, before its epochs (whose count starts over there).
        if (snapshot.stage !== null && snapshot.stage.index !== shownStage) {
          shownStage = snapshot.stage.index;
          shownEpochs = 0;
          io.stdout.write(`${lineOpen ? '\n' : ''}${describeStage(snapshot.stage)}\n`);
          lineOpen = false;
        }
        if (tty && snapshot.state === 'running' && snapshot.connection.status === 'connected') {
          io.stdout.write(`\r\x1b[2K${line(snapshot)}`);
          lineOpen = true;
        } else if (!tty && predicting) {
          // A line at each tenth of the items (or each 1 000 without a total).
          const items = snapshot.items;
          if (items === null) return;
          const decile =
            items.total === null || items.total === 0
              ? Math.floor(items.done / 1000)
              : Math.floor((10 * items.done) / items.total);
          if (decile > shownItemsDecile) {
            shownItemsDecile = decile;
            io.stdout.write(`${line(snapshot)}\n`);
          }
        } else if (!tty) {
          // One line per epoch, also for a burst caught up after a reconnection.
          const { history } = snapshot.progress;
          for (; shownEpochs < history.length; shownEpochs++)
            io.stdout.write(`${line(snapshot, history[shownEpochs])}\n`);
        }
      }),
    );
    if (options.logs === true) {
      const logs = session.logs$.subscribe((log) => {
        if (log.replace && tty) return;
        io.stdout.write(
          `${lineOpen ? '\n' : ''}  ${log.stream === 'stderr' ? '!' : '|'} ${log.line}\n`,
        );
        lineOpen = false;
      });
      cleanups.push(() => logs.unsubscribe());
    }
    const states = session.state$.subscribe((state) => {
      if (state === 'stopping')
        io.stdout.write(`${lineOpen ? '\n' : ''}Stopping after this epoch…\n`);
      if (isFinalJobState(state) && lineOpen) {
        io.stdout.write('\n');
        lineOpen = false;
      }
    });
    cleanups.push(() => states.unsubscribe());
  }
  // On stderr in both modes: with --json, stdout carries the machine-readable lines and a
  // person watching still reads what happened to the worker.
  cleanups.push(
    onConnectionChange(session, (connection, before) => {
      const text = describeConnection(session.getSnapshot(), connection, before, options);
      if (text !== undefined) say(text);
    }),
  );

  const ended = await Promise.race([session.done, letGo]);
  removeInterrupt();
  for (const cleanup of cleanups) cleanup();
  if (ended === 'interrupted') return ExitCode.interrupted;
  const outcome = describeOutcome(ended);
  if (!options.json) io.stdout.write(summary(ended, outcome, options));
  else if (outcome.kind === 'lost')
    io.stderr.write(
      `Lost contact with worker ${ended.connection.worker}: ${ended.connection.reason ?? 'no answer'}. \`trainwire attach ${jobId}\` shows how it ended once the worker is back.\n`,
    );
  if (interrupts > 0) return ExitCode.interrupted;
  if (outcome.kind === 'lost') return ExitCode.connection;
  return ended.state === 'completed' ? ExitCode.ok : ExitCode.jobFailed;
}

/** A predict job's live line: items done of all, the rate and the time left (core's numbers). */
function predictLine(snapshot: JobSnapshot): string {
  const line = itemsLine(snapshot.items);
  return line === undefined
    ? 'Predicting…'
    : `Predicted ${line.count} items  ${line.rate} items/s  ETA ${line.left}`;
}

/** Calls `listener` each time the session's link status changes (not for the first one). */
function onConnectionChange(
  session: JobSession,
  listener: (now: WorkerLinkState, before: WorkerLinkState) => void,
): () => void {
  let before = session.getSnapshot().connection;
  return session.subscribe(() => {
    const now = session.getSnapshot().connection;
    if (now.status === before.status) return;
    const was = before;
    before = now;
    listener(now, was);
  });
}

/** What a person reads when the link to the worker changes. */
function describeConnection(
  snapshot: JobSnapshot,
  connection: WorkerLinkState,
  before: WorkerLinkState,
  options: FollowOptions,
): string | undefined {
  const worker = connection.worker;
  switch (connection.status) {
    case 'reconnecting':
      return `The link to worker ${worker} dropped; reconnecting…`;
    case 'unreachable': {
      const { progress } = snapshot;
      const checkpoint = describeOutcome(snapshot).lastCheckpoint;
      const wait =
        options.waitForWorkerMs === undefined
          ? ''
          : ` up to ${formatDuration(options.waitForWorkerMs)}`;
      return (
        `Worker ${worker} is unreachable (${connection.reason ?? 'no answer'}). ` +
        `Last known: epoch ${progress.completedEpochs}/${progress.totalEpochs ?? '?'}` +
        `${checkpoint === undefined ? ', no checkpoint yet' : `, checkpoint ${checkpoint} (on ${worker})`}. ` +
        `The job may still be running. Waiting${wait} for the worker to come back (Ctrl-C to stop waiting)…`
      );
    }
    case 'connected':
      return before.status === 'unreachable' || before.status === 'reconnecting'
        ? `Worker ${worker} is back; following job ${snapshot.jobId} again.`
        : undefined;
    case 'lost':
      return undefined;
  }
}

function summary(final: JobSnapshot, outcome: JobOutcome, options: FollowOptions): string {
  const worker = options.workerName;
  const lines: string[] = [];
  const { reached } = outcome;
  const resumedFrom = outcome.resumedAt === null ? '' : ` (resumed at epoch ${outcome.resumedAt})`;
  const checkpoint = () => {
    if (outcome.lastCheckpoint !== undefined)
      lines.push(`Last checkpoint: ${outcome.lastCheckpoint} (on ${worker})\n`);
  };
  if (final.spec.predict !== undefined && outcome.kind !== 'lost') {
    const items = final.items;
    const done =
      items === null ? 'no' : `${items.done}${items.total === null ? '' : `/${items.total}`}`;
    if (outcome.kind === 'completed' || outcome.kind === 'stopped-early') {
      lines.push(framed('Remote Prediction Completed Successfully'));
      lines.push(
        outcome.kind === 'stopped-early'
          ? `Stopped early: predicted ${done} items; the predictions so far are kept.\n`
          : `Predicted ${done} items.\n`,
      );
      lines.push(`Job: ${final.jobId}.\n`);
      return lines.join('');
    }
  }
  switch (outcome.kind) {
    case 'completed':
    case 'stopped-early':
      lines.push(framed('Remote Training Completed Successfully'));
      if (outcome.kind === 'stopped-early')
        lines.push(`Stopped early after ${reached}${resumedFrom}.\n`);
      else if (resumedFrom !== '') lines.push(`Trained to ${reached}${resumedFrom}.\n`);
      for (const model of outcome.models) lines.push(`Model: ${model.path} (on ${worker})\n`);
      checkpoint();
      lines.push(
        options.fetchHint === false
          ? `Job: ${final.jobId}.\n`
          : `Job: ${final.jobId}. Get the model with \`trainwire fetch ${final.jobId}${options.fetchFlags ?? ''}\`.\n`,
      );
      return lines.join('');
    case 'lost':
      lines.push(framed('Lost Contact With The Worker'));
      lines.push(
        `Lost contact with worker ${final.connection.worker}: ${final.connection.reason ?? 'no answer'}.\n`,
      );
      lines.push(`Last known: ${reached}, state ${final.state}.\n`);
      checkpoint();
      lines.push(
        `Job ${final.jobId} may still be running. See how it ended with \`trainwire attach ${final.jobId}\` once the worker is back.\n`,
      );
      return lines.join('');
    default: {
      // Core's failure summary (the failure dialog renders the same one).
      const failure = describeFailure(
        final,
        options.resumeCommand === undefined ? {} : { resumeCommand: options.resumeCommand },
      )!;
      lines.push(framed(failure.title));
      lines.push(`Reached ${failure.reached}${resumedFrom}.\n`);
      if (failure.error !== null) lines.push(`Error: ${failure.error}\n`);
      if (failure.checkpointDir !== undefined)
        lines.push(`Checkpoints on the worker: ${failure.checkpointDir}\n`);
      if (failure.lastCheckpoint !== undefined) {
        lines.push(`Last checkpoint: ${failure.lastCheckpoint}\n`);
        // The client's own command first: it repeats the flags (and local config file) the
        // job was started with; the worker's names the config file on the worker.
        if (failure.resumeCommand !== undefined)
          lines.push(`Resume with:\n  ${failure.resumeCommand}\n`);
      }
      lines.push(`Job: ${final.jobId}.\n`);
      return lines.join('');
    }
  }
}
