import { rmSync } from 'node:fs';
import { constants } from 'node:os';
import type { LaunchExit, LaunchedTrainer, LaunchRequest } from '../../runner/TrainerLauncher.js';
import { type FileModes, writeFileWithMode } from '../FileModes.js';
import { FileTail } from '../FileTail.js';
import { followProgress, type ProgressFollower } from '../followProgress.js';
import { LineSplitter } from '../LineSplitter.js';
import { type RunSlurm, slurmMessage } from './runSlurm.js';
import type { SlurmJobReport, SlurmQueue } from './SlurmQueue.js';
import { slurmJobIdFile } from './slurmJobIdFile.js';
import { describeEnding, describePending, phaseOf, type SlurmJobInfo } from './slurmJobs.js';

/** How often the trainer's output files are read while it runs. */
const TAIL_MS = 250;

/** What one Slurm trainer needs from its launcher. */
export interface SlurmTrainerDeps {
  run: RunSlurm;
  queue: SlurmQueue;
  stopGraceMs: number;
  modes: FileModes;
  pollIntervalMs: number;
}

/**
 * One trainer submitted as a Slurm job: followed with the launcher's `squeue` poll
 * (queued with its reason, running on its node, ended with its exit status), its output
 * read from the files Slurm writes in the run folder, its progress over ZeroMQ as a local
 * trainer's. `stop` sends the stop command, then `scancel --signal=INT`; `cancel` is
 * `scancel` (Slurm's SIGTERM, then SIGKILL after its KillWait).
 */
export class SlurmTrainer implements LaunchedTrainer {
  readonly exited: Promise<LaunchExit>;
  readonly pid = undefined;
  readonly description: string;
  private phase: 'queued' | 'running' | 'ended' = 'queued';
  private lastPending = '';
  private stopRequested = false;
  private cancelRequested = false;
  private cancelSent = false;
  private stopTimer: NodeJS.Timeout | undefined;
  private readonly progress: ProgressFollower;
  private readonly tails: FileTail[];
  private readonly splitters: LineSplitter[];
  private readonly unwatch: () => void;
  private resolve!: (exit: LaunchExit) => void;

  constructor(
    private readonly deps: SlurmTrainerDeps,
    private readonly request: LaunchRequest,
    readonly slurmJobId: string,
    outputs: { stdout: string; stderr: string },
  ) {
    this.description = `Slurm job ${slurmJobId}`;
    this.exited = new Promise((resolve) => {
      this.resolve = resolve;
    });
    this.progress = followProgress(request.link, request.onProgress);
    const out = new LineSplitter((l) => request.onLog('stdout', l.line, l.replace));
    const err = new LineSplitter((l) => request.onLog('stderr', l.line, l.replace));
    this.splitters = [out, err];
    this.tails = [
      new FileTail(outputs.stdout, (chunk) => out.write(chunk), TAIL_MS),
      new FileTail(outputs.stderr, (chunk) => err.write(chunk), TAIL_MS),
    ];
    this.unwatch = deps.queue.watch(slurmJobId, {
      onReport: (report) => this.onReport(report),
      onTrouble: (problem) =>
        this.note(
          problem === null
            ? 'Slurm answers again'
            : `${problem}; asking again every ${Math.round(deps.pollIntervalMs / 1000)} s (the job itself goes on)`,
        ),
    });
  }

  remember(): void {
    writeFileWithMode(slurmJobIdFile(this.request.runDir), `${this.slurmJobId}\n`, this.deps.modes);
  }

  stop(): void {
    if (this.phase === 'ended' || this.stopRequested) return;
    this.stopRequested = true;
    if (this.phase === 'queued') {
      // Nothing runs yet to finish an epoch: it leaves the queue.
      this.cancelInSlurm([]);
      return;
    }
    void this.request.link.sendStop().catch(() => {});
    this.stopTimer = setTimeout(
      () => void this.scancel(['--signal=INT', '--full'], 'send SIGINT to'),
      this.deps.stopGraceMs,
    );
  }

  cancel(): void {
    if (this.phase === 'ended' || this.cancelRequested) return;
    this.cancelRequested = true;
    this.cancelInSlurm([]);
  }

  private cancelInSlurm(args: string[]): void {
    void this.scancel(args, 'cancel').then((ok) => {
      this.cancelSent = ok;
      this.deps.queue.refresh();
    });
  }

  /** Runs `scancel ARGS ID`; a failure is told in the job's log (and retried at the next poll). */
  private async scancel(args: string[], what: string): Promise<boolean> {
    const out = await this.deps.run('scancel', [...args, this.slurmJobId]);
    if (out.code === 0) return true;
    // Already over: nothing left to signal.
    if (/already completing or completed|Invalid job id/i.test(out.stderr)) return true;
    this.note(`could not ${what} ${this.description}: ${slurmMessage(out)}`);
    return false;
  }

  private onReport(report: SlurmJobReport): void {
    if (this.phase === 'ended') return;
    if (!report.known) {
      this.end(undefined);
      return;
    }
    const { job } = report;
    const phase = phaseOf(job.state);
    if (phase === 'queued') {
      const words = describePending(job);
      if (words !== this.lastPending) {
        this.lastPending = words;
        this.request.onStatus({ state: 'queued', reason: words });
      }
    } else if (this.phase === 'queued' && (phase === 'running' || job.nodes !== '')) {
      this.phase = 'running';
      for (const tail of this.tails) tail.start();
      this.request.onStatus({
        state: 'running',
        where: `node ${job.nodes || '(unknown)'} (${this.description})`,
      });
    }
    if (phase === 'ended') {
      this.end(job);
      return;
    }
    // A cancel that Slurm did not take is asked again.
    if (
      (this.cancelRequested || (this.stopRequested && this.phase === 'queued')) &&
      !this.cancelSent
    )
      this.cancelInSlurm([]);
  }

  private end(job: SlurmJobInfo | undefined): void {
    const started = this.phase === 'running';
    this.phase = 'ended';
    this.unwatch();
    rmSync(slurmJobIdFile(this.request.runDir), { force: true });
    if (this.stopTimer !== undefined) clearTimeout(this.stopTimer);
    const requested = { cancel: this.cancelRequested, stop: this.stopRequested };
    const ending = job
      ? describeEnding(job, requested)
      : {
          code: null,
          signal: null,
          endedBy: {
            summary: `was lost: Slurm no longer knows ${this.description} (it ended unseen and there is no accounting to ask; see its output in the run folder)`,
            details: { slurmJobId: this.slurmJobId },
          },
        };
    void (async () => {
      for (const tail of this.tails) await tail.finish();
      for (const splitter of this.splitters) splitter.end();
      await this.progress.drain();
      this.resolve({
        code: ending.code,
        signal: signalName(ending.signal),
        stopRequested: this.stopRequested,
        cancelRequested: this.cancelRequested,
        started,
        ...(ending.endedBy ? { endedBy: ending.endedBy } : {}),
      });
    })();
  }

  /** A line of the worker's own in the job's log: `[slurm] …`. */
  private note(line: string): void {
    this.request.onLog('stderr', `[slurm] ${line}`, false);
  }
}

function signalName(signal: number | null): NodeJS.Signals | null {
  if (signal === null) return null;
  const found = Object.entries(constants.signals).find(([, n]) => n === signal);
  return (found?.[0] as NodeJS.Signals | undefined) ?? null;
}
