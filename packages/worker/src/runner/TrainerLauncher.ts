import type { ProgressMessage } from '@trainwire/core';
import type { ProgressLink, TrainerExit } from './TrainerProcess.js';

/**
 * One trainer to start: the filled-in command of its profile (`buildTrainerCommand`), the
 * job it belongs to, and where what it does is reported.
 */
export interface LaunchRequest {
  jobId: string;
  /** The program and its arguments. */
  argv: string[];
  /**
   * The trainer contract's variables and the profile's `env`, added to the worker's
   * environment less every `TRAINWIRE_*` variable of its own (`trainerEnvironment`).
   */
  env: Record<string, string>;
  /** Working directory of the trainer. */
  cwd: string;
  /** The job's run folder: config, checkpoints, and what a launcher keeps of the job. */
  runDir: string;
  /** Where the trainer should run; `cuda` asks a scheduler for GPUs. */
  device: 'cpu' | 'cuda';
  /** The umask the trainer starts with (077 keeps what it writes private). */
  umask?: number;
  /** The worker's end of the trainer's ZeroMQ link (progress in, stop out). */
  link: ProgressLink;
  onLog(stream: 'stdout' | 'stderr', line: string, replace: boolean): void;
  onProgress(progress: ProgressMessage): void;
  /**
   * Where the trainer stands, when that changes: `queued` while a scheduler holds it (with
   * its reason, in words), `running` once it runs (`where`, for a trainer elsewhere: "node
   * gpu-07 (Slurm job 17)"). Both are told in the job's log too.
   */
  onStatus(status: LaunchStatus): void;
}

/** Where a launched trainer stands, as a launcher reports it. */
export type LaunchStatus =
  | { state: 'queued'; reason: string }
  | { state: 'running'; where?: string };

/** How a launched trainer ended. */
export interface LaunchExit extends TrainerExit {
  /** False when it never ran: cancelled (or stopped) while a scheduler still held it. */
  started: boolean;
  /**
   * Set when the scheduler ended it rather than the trainer itself: a time limit, a node
   * failure, preemption, an administrator's `scancel`. `summary` completes "the trainer
   * …" ("reached its Slurm time limit (1:00)"); `details` is what the scheduler said.
   */
  endedBy?: { summary: string; details: Record<string, unknown> };
}

/** A trainer started by a {@link TrainerLauncher}. */
export interface LaunchedTrainer {
  /** Resolves once it ended, its output was read and its link closed. */
  readonly exited: Promise<LaunchExit>;
  /** Its process id (and process group id), when it runs as a local process. */
  readonly pid: number | undefined;
  /** What it is, in words: "process 4242", "Slurm job 17". */
  readonly description: string;
  /**
   * Writes into the run folder what a restarted worker needs to end it (a pid, a Slurm job
   * id): see {@link TrainerLauncher.endOrphan}. May throw (a full disk): the job then ends.
   */
  remember(): void;
  /** Asks it to finish its epoch, save and exit (the stop command, then SIGINT). */
  stop(): void;
  /** Ends it and everything it started (SIGTERM, then SIGKILL). */
  cancel(): void;
}

/**
 * Starts trainers. The worker has one launcher; every job's trainer goes through it, and
 * everything else — the run folder, progress over ZeroMQ, events, artifacts, endings — is
 * the same whatever it is.
 *
 * Two are built in (`launcher` in `worker.yaml`): `local` (`LocalLauncher`, a child
 * process in its own process group; the default) and `slurm` (`SlurmLauncher`, one
 * `sbatch` job per trainer). A third — Kubernetes Jobs, say — implements this interface
 * in `src/runner/` next to them (create a Job whose pod runs `argv` with `env`, report its
 * pod `Pending` with the scheduler's reason as `queued`, map `stop` to the stop command
 * then SIGINT through `kubectl exec` or the pod's preStop, `cancel` to deleting the Job),
 * gets its settings in `WorkerConfigSchema`, and is picked in `createLauncher`; or an
 * embedding app passes one as `createWorker(config, { launcher })`. docs/scale-out.md
 * sketches it.
 */
export interface TrainerLauncher {
  /** `local`, `slurm`, …: named in logs and docs. */
  readonly kind: string;
  /** Starts one trainer. Rejects (with words a user can act on) when it cannot be started. */
  launch(request: LaunchRequest): Promise<LaunchedTrainer>;
  /**
   * After the worker itself died, a trainer it launched may still run. Ends the one of
   * `jobId` (found from what {@link LaunchedTrainer.remember} wrote in `runDir`) and waits,
   * bounded, until it is gone. Returns what was ended, in words ("its trainer (pid 4242)",
   * "its Slurm job 17"), or undefined when nothing was running.
   */
  endOrphan(runDir: string, jobId: string): Promise<string | undefined>;
  /** Stops following trainers (timers, pollers); the worker calls it as it closes. */
  close(): Promise<void>;
}
