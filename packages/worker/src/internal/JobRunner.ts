import { join } from 'node:path';
import type { JobError, JobSpec, JobState } from '@trainwire/core';
import { stringify as toYaml } from 'yaml';
import type { TrainerProfile } from '../config/WorkerConfig.js';
import { buildTrainerCommand, type LaunchContext } from '../runner/buildTrainerCommand.js';
import type { LaunchExit, LaunchedTrainer, TrainerLauncher } from '../runner/TrainerLauncher.js';
import type { ProgressLink } from '../runner/TrainerProcess.js';
import type { ArtifactStore, ModelVersion } from '../store/ArtifactStore.js';
import type { ExperimentStore } from '../store/ExperimentStore.js';
import type { SqliteJobStore } from '../store/SqliteJobStore.js';
import { ArtifactTracker } from './ArtifactTracker.js';
import { type DiskSpace, isDiskFull, mentionsDiskFull } from './DiskSpace.js';
import { type FileModes, makeDir, writeFileWithMode } from './FileModes.js';
import { JobRecorder } from './JobRecorder.js';
import {
  type JobPosition,
  jobPosition,
  noSpaceError,
  storeFailedError,
  whereToResume,
  workerStoppedError,
} from './jobEndings.js';
import { runConfigPath } from './runConfigPath.js';
import { removePartialCheckpoints } from './scanCheckpoints.js';
import type { WorkerEventHub } from './WorkerEventHub.js';

/** What a job runner needs from the worker. */
export interface JobRunnerDeps {
  hub: WorkerEventHub;
  jobs: SqliteJobStore;
  artifacts: ArtifactStore;
  experiments: ExperimentStore;
  createLink: () => Promise<ProgressLink>;
  /** Starts the trainer: a local process, a Slurm job, … */
  launcher: TrainerLauncher;
  /** Modes of the run folder, its config and what the trainer writes there. */
  modes: FileModes;
  now: () => number;
  space: DiskSpace;
  workerName: () => string;
  /** A finished job's model became the active version of its name: tell subscribers. */
  modelActivated: (model: ModelVersion, previousVersion?: number) => void;
}

/** Why a job ends other than by its trainer: the worker stopped, or the store failed. */
type Ending =
  | { kind: 'worker_stopped'; by: string }
  | { kind: 'no_space' }
  | { kind: 'store_failed'; cause: unknown };

/** Where a job lives and how it runs. */
export interface JobPlan {
  jobId: string;
  spec: JobSpec;
  profile: TrainerProfile;
  runDir: string;
  device: 'cpu' | 'cuda';
  /** Resolved input paths and resume checkpoint (already checked against the mounts). */
  inputs: Record<string, string>;
  resume: string | undefined;
  /** The registered model's file a fine-tune starts from (`spec.fineTune`). */
  baseModel?: string;
  datasetDir: string;
  builtinTrainer: string | undefined;
}

const LAST_LINES = 20;
const ARTIFACT_PREFIX = 'trainwire:artifact ';
/** A trainer that failed with less than this free in the data dir failed on a full disk. */
const DISK_FULL_BYTES = 64 * 1024;

/** Runs one job's trainer and turns everything it does into stored, pushed job events. */
export class JobRunner {
  /** Resolves with the final state once the trainer exited and everything was recorded. */
  readonly finished: Promise<JobState>;
  private process: LaunchedTrainer | undefined;
  private pendingStop = false;
  private pendingCancel = false;
  private readonly lastLines: string[] = [];
  private readonly tracker: ArtifactTracker;
  private readonly recorder: JobRecorder;
  private ending: Ending | undefined;
  private readonly checkpointDir: string;
  private readonly configPath: string;

  constructor(
    private readonly deps: JobRunnerDeps,
    private readonly plan: JobPlan,
  ) {
    this.checkpointDir = join(plan.runDir, 'checkpoints');
    this.recorder = new JobRecorder(deps, plan.jobId, (error) => this.storeFailed(error));
    this.tracker = new ArtifactTracker(
      deps.artifacts,
      (event) => deps.hub.emit(plan.jobId, event),
      plan.jobId,
      this.checkpointDir,
      (fn) => {
        this.recorder.flush();
        this.recorder.write(() => deps.hub.transaction(fn));
      },
    );
    this.configPath = runConfigPath(plan.runDir, plan.profile.configFormat);
    this.finished = this.run().catch((error: Error) => {
      if (isDiskFull(error)) this.ending ??= { kind: 'no_space' };
      if (this.ending) return this.end(undefined);
      this.recorder.finish('failed', {
        reason: error.message,
        error: {
          code: 'spawn_failed',
          message: `the trainer could not be started: ${error.message}`,
        },
      });
      return 'failed' as const;
    });
  }

  /** The trainer's process id while it runs (a local trainer only). */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Stop: finish the epoch, save, exit. */
  stop(): void {
    if (this.pendingStop || this.recorder.isFinal()) return;
    this.pendingStop = true;
    this.recorder.setState('stopping', {
      reason: 'stop requested: finishing the epoch and saving a checkpoint',
    });
    this.process?.stop();
  }

  /** Cancel: end the trainer and everything it started. */
  cancel(): void {
    if (this.recorder.isFinal()) return;
    this.pendingCancel = true;
    this.process?.cancel();
  }

  /**
   * The worker is stopping (`by` says who: "its operator (SIGINT)"): cancels the trainer and
   * ends the job `cancelled` with a `worker_stopped` error naming its checkpoint.
   */
  shutdown(by: string): void {
    if (this.recorder.isFinal()) return;
    this.ending ??= { kind: 'worker_stopped', by };
    this.cancel();
  }

  private async run(): Promise<JobState> {
    const { plan, deps } = this;
    makeDir(plan.runDir, deps.modes);
    makeDir(this.checkpointDir, deps.modes);
    writeFileWithMode(
      this.configPath,
      plan.profile.configFormat === 'yaml'
        ? toYaml(plan.spec.config)
        : JSON.stringify(plan.spec.config, null, 2),
      deps.modes,
    );
    const link = await deps.createLink();
    const context: LaunchContext = {
      jobId: plan.jobId,
      configPath: this.configPath,
      runDir: plan.runDir,
      checkpointDir: this.checkpointDir,
      resume: plan.resume,
      device: plan.device,
      // Hydra and file systems both take a plain slug.
      runName: (plan.spec.name ?? plan.jobId).replace(/[^A-Za-z0-9._-]+/g, '_'),
      publishAddress: link.publishAddress,
      controlAddress: link.controlAddress,
      inputs: plan.inputs,
      datasetDir: plan.datasetDir,
      ...(plan.builtinTrainer ? { builtinTrainer: plan.builtinTrainer } : {}),
      ...(plan.baseModel
        ? { baseModel: plan.baseModel, fineTune: true }
        : plan.inputs.base_model
          ? { baseModel: plan.inputs.base_model, fineTune: true }
          : {}),
    };
    let launch: ReturnType<typeof buildTrainerCommand>;
    try {
      launch = buildTrainerCommand(plan.profile, context);
    } catch (error) {
      await link.close();
      throw error;
    }
    if (this.pendingCancel) {
      await link.close();
      if (this.ending) return this.end(undefined);
      this.recorder.finish('cancelled', { reason: 'cancelled before the trainer started' });
      return 'cancelled';
    }
    const proc = await deps.launcher
      .launch({
        jobId: plan.jobId,
        argv: launch.argv,
        env: launch.env,
        cwd: plan.profile.cwd ?? plan.runDir,
        runDir: plan.runDir,
        device: plan.device,
        ...(deps.modes.umask === undefined ? {} : { umask: deps.modes.umask }),
        link,
        onLog: (stream, line, replace) => this.onLog(stream, line, replace),
        onProgress: (progress) => {
          this.recorder.emitSoon({ type: 'progress', progress });
          if (progress.event === 'epoch_end') {
            this.tracker.epochsDone = progress.epoch + 1;
            this.tracker.scan();
          }
        },
        onStatus: (status) => {
          if (status.state === 'queued') {
            // A scheduler holds it: the reason reaches the state event and the job's log.
            this.onLog('stderr', `[${deps.launcher.kind}] ${status.reason}`, false);
            if (!this.pendingStop) this.recorder.setState('queued', { reason: status.reason });
            return;
          }
          this.recorder.write(() => deps.jobs.updateJob(plan.jobId, { startedAt: deps.now() }));
          if (status.where !== undefined) {
            this.onLog('stderr', `[${deps.launcher.kind}] running on ${status.where}`, false);
          }
          if (!this.pendingStop) this.recorder.setState('running');
        },
      })
      .catch(async (error: unknown) => {
        await link.close().catch(() => {});
        throw error;
      });
    this.process = proc;
    try {
      proc.remember();
    } catch (error) {
      this.storeFailed(error);
    }
    if (this.pendingStop) proc.stop();
    if (this.pendingCancel) proc.cancel();
    const exit = await proc.exited;
    // Its whole process group is gone: a `.tmp` left in the checkpoint folder is half a file.
    await removePartialCheckpoints(this.checkpointDir);
    this.tracker.scan();
    await this.tracker.settled();
    // A trainer that failed on a full disk (its checkpoint did not fit) is a full disk.
    if (exit.code !== 0 && !exit.cancelRequested && this.diskLooksFull()) {
      this.ending ??= { kind: 'no_space' };
    }
    // A trainer that ended on its own as the worker stopped keeps its own outcome.
    const stoppedLate = this.ending?.kind === 'worker_stopped' && !exit.cancelRequested;
    if (this.ending && !stoppedLate) return this.end(exit.code);
    if (exit.cancelRequested || (exit.stopRequested && !exit.started)) {
      this.recorder.finish('cancelled', {
        reason: exit.started
          ? 'cancelled by the user'
          : `${exit.cancelRequested ? 'cancelled' : 'stopped'} by the user while it waited to start (${proc.description}); nothing had run`,
        exitCode: exit.code,
      });
      return 'cancelled';
    }
    if (exit.code === 0) {
      const registered = this.tracker.registerModel(plan.spec.name ?? plan.profile.id);
      if (registered !== undefined) this.deps.modelActivated(registered.model, registered.previous);
      this.recorder.finish('completed', {
        ...(exit.stopRequested ? { reason: 'stopped_early' } : {}),
        exitCode: 0,
      });
      return 'completed';
    }
    this.recorder.finish('failed', {
      reason: exit.endedBy ? `the trainer ${exit.endedBy.summary}` : 'the trainer failed',
      exitCode: exit.code,
      error: this.failure(exit),
    });
    return 'failed';
  }

  private onLog(stream: 'stdout' | 'stderr', line: string, replace: boolean): void {
    if (!replace) {
      this.lastLines.push(line);
      if (this.lastLines.length > LAST_LINES) this.lastLines.shift();
    }
    this.recorder.emitSoon({
      type: 'log',
      stream,
      line,
      ...(replace ? { replace: true } : {}),
    });
    if (stream === 'stdout' && line.startsWith(ARTIFACT_PREFIX)) {
      this.tracker.announce(line.slice(ARTIFACT_PREFIX.length));
    }
  }

  /** Where the job stands: epochs done, its newest checkpoint and the resume command. */
  private position(): JobPosition {
    return jobPosition({
      profile: this.plan.profile.id,
      configPath: this.configPath,
      checkpointDir: this.checkpointDir,
      epoch: Math.max(this.tracker.epochsDone, this.tracker.epochsSaved),
      lastCheckpoint: this.tracker.lastCheckpoint,
    });
  }

  private failure(exit: LaunchExit): JobError {
    const how =
      exit.spawnError ??
      exit.endedBy?.summary ??
      (exit.code === null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`);
    const position = this.position();
    return {
      code: 'trainer_failed',
      message: `the trainer ${how} after ${position.epoch} epoch(s)${whereToResume(position)}`,
      details: {
        exitCode: exit.code,
        signal: exit.signal,
        lastLines: [...this.lastLines],
        ...(exit.endedBy ? { launcher: this.deps.launcher.kind, ...exit.endedBy.details } : {}),
        ...position,
      },
    };
  }

  /** Ends the job for its {@link Ending}: the worker stopped, or the store failed. */
  private end(exitCode: number | null | undefined): JobState {
    const ending = this.ending!;
    const position = this.position();
    const code = exitCode === undefined ? {} : { exitCode };
    if (ending.kind === 'worker_stopped') {
      this.recorder.finish('cancelled', {
        reason: 'worker stopped',
        ...code,
        error: workerStoppedError(this.deps.workerName(), ending.by, position),
      });
      return 'cancelled';
    }
    // Measured before the reserve and the store's log give their space back for the end.
    const disk = this.deps.space.report();
    if (ending.kind === 'no_space') this.deps.space.makeRoom();
    const error =
      ending.kind === 'no_space'
        ? noSpaceError(this.deps.workerName(), disk, position)
        : storeFailedError(ending.cause, position);
    this.recorder.finish('failed', {
      reason: ending.kind === 'no_space' ? 'disk full' : 'store failed',
      ...code,
      error,
    });
    return 'failed';
  }

  private diskLooksFull(): boolean {
    if (mentionsDiskFull(this.lastLines)) return true;
    const { freeBytes } = this.deps.space.report();
    return freeBytes !== null && freeBytes < DISK_FULL_BYTES;
  }

  /** A store write failed: the trainer is ended and the job closed with the reason. */
  private storeFailed(error: unknown): void {
    if (this.ending?.kind !== 'no_space' && this.ending?.kind !== 'store_failed') {
      this.ending = isDiskFull(error)
        ? { kind: 'no_space' }
        : { kind: 'store_failed', cause: error };
    }
    this.cancel();
  }
}
