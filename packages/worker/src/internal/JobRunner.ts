import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isFinalJobState,
  type JobError,
  type JobEventHub,
  type JobSpec,
  type JobState,
  type NewJobEvent,
} from '@trainwire/core';
import { stringify as toYaml } from 'yaml';
import type { TrainerProfile } from '../config/WorkerConfig.js';
import { buildTrainerCommand, type LaunchContext } from '../runner/buildTrainerCommand.js';
import { type ProgressLink, TrainerProcess } from '../runner/TrainerProcess.js';
import type { ArtifactStore } from '../store/ArtifactStore.js';
import type { ExperimentStore } from '../store/ExperimentStore.js';
import type { SqliteJobStore } from '../store/SqliteJobStore.js';
import { ArtifactTracker } from './ArtifactTracker.js';
import { resumeCommand } from './resumeCommand.js';
import { removeTrainerPid, writeTrainerPid } from './trainerPidFile.js';

/** What a job runner needs from the worker. */
export interface JobRunnerDeps {
  hub: JobEventHub;
  jobs: SqliteJobStore;
  artifacts: ArtifactStore;
  experiments: ExperimentStore;
  createLink: () => Promise<ProgressLink>;
  stopGraceMs: number;
  cancelGraceMs: number;
  now: () => number;
  /** Runs `fn` in one store transaction. */
  transaction: (fn: () => void) => void;
}

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
  datasetDir: string;
  builtinTrainer: string | undefined;
}

const LAST_LINES = 20;
const ARTIFACT_PREFIX = 'trainwire:artifact ';

/** Runs one job's trainer and turns everything it does into stored, pushed job events. */
export class JobRunner {
  /** Resolves with the final state once the trainer exited and everything was recorded. */
  readonly finished: Promise<JobState>;
  private process: TrainerProcess | undefined;
  private pendingStop = false;
  private pendingCancel = false;
  private readonly lastLines: string[] = [];
  private readonly tracker: ArtifactTracker;
  private pending: NewJobEvent[] = [];
  private readonly checkpointDir: string;
  private readonly configPath: string;

  constructor(
    private readonly deps: JobRunnerDeps,
    private readonly plan: JobPlan,
  ) {
    this.checkpointDir = join(plan.runDir, 'checkpoints');
    this.tracker = new ArtifactTracker(
      deps.artifacts,
      (event) => this.emitNow(event),
      plan.jobId,
      this.checkpointDir,
    );
    this.configPath = join(
      plan.runDir,
      plan.profile.configFormat === 'yaml' ? 'config.yaml' : 'config.json',
    );
    this.finished = this.run().catch((error: Error) => {
      this.finish('failed', {
        reason: error.message,
        error: {
          code: 'spawn_failed',
          message: `the trainer could not be started: ${error.message}`,
        },
      });
      return 'failed' as const;
    });
  }

  /** The trainer's process id while it runs. */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Stop: finish the epoch, save, exit. */
  stop(): void {
    if (this.pendingStop || this.isFinal()) return;
    this.pendingStop = true;
    this.setState('stopping', {
      reason: 'stop requested: finishing the epoch and saving a checkpoint',
    });
    this.process?.stop();
  }

  /** Cancel: end the trainer and everything it started. */
  cancel(): void {
    if (this.isFinal()) return;
    this.pendingCancel = true;
    this.process?.cancel();
  }

  private async run(): Promise<JobState> {
    const { plan, deps } = this;
    mkdirSync(this.checkpointDir, { recursive: true });
    writeFileSync(
      this.configPath,
      plan.profile.configFormat === 'yaml'
        ? toYaml(plan.spec.config)
        : JSON.stringify(plan.spec.config, null, 2),
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
      ...(plan.inputs.base_model ? { baseModel: plan.inputs.base_model, fineTune: true } : {}),
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
      this.finish('cancelled', { reason: 'cancelled before the trainer started' });
      return 'cancelled';
    }
    const proc = TrainerProcess.start({
      argv: launch.argv,
      env: launch.env,
      cwd: plan.profile.cwd ?? plan.runDir,
      link,
      stopGraceMs: deps.stopGraceMs,
      cancelGraceMs: deps.cancelGraceMs,
      onLog: (stream, line, replace) => this.onLog(stream, line, replace),
      onProgress: (progress) => {
        this.emitSoon({ type: 'progress', progress });
        if (progress.event === 'epoch_end') {
          this.tracker.epochsDone = progress.epoch + 1;
          this.tracker.scan();
        }
      },
    });
    this.process = proc;
    writeTrainerPid(plan.runDir, proc.pid);
    deps.jobs.updateJob(plan.jobId, { startedAt: deps.now() });
    if (!this.pendingStop) this.setState('running');
    if (this.pendingStop) proc.stop();
    if (this.pendingCancel) proc.cancel();
    const exit = await proc.exited;
    removeTrainerPid(plan.runDir);
    this.tracker.scan();
    await this.tracker.settled();

    if (exit.cancelRequested) {
      this.finish('cancelled', { reason: 'cancelled by the user', exitCode: exit.code });
      return 'cancelled';
    }
    if (exit.code === 0) {
      this.tracker.registerModel(plan.spec.name ?? plan.profile.id);
      this.finish('completed', {
        ...(exit.stopRequested ? { reason: 'stopped_early' } : {}),
        exitCode: 0,
      });
      return 'completed';
    }
    this.finish('failed', {
      reason: 'the trainer failed',
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
    this.emitSoon({
      type: 'log',
      stream,
      line,
      ...(replace ? { replace: true } : {}),
    });
    if (stream === 'stdout' && line.startsWith(ARTIFACT_PREFIX)) {
      this.tracker.announce(line.slice(ARTIFACT_PREFIX.length));
    }
  }

  private failure(exit: {
    code: number | null;
    signal: string | null;
    spawnError?: string;
  }): JobError {
    const { plan } = this;
    const how =
      exit.spawnError ??
      (exit.code === null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`);
    const resume = this.tracker.lastCheckpoint
      ? resumeCommand(plan.profile.id, this.configPath, this.tracker.lastCheckpoint)
      : undefined;
    const where = this.tracker.lastCheckpoint
      ? `; last checkpoint ${this.tracker.lastCheckpoint}; resume with: ${resume}`
      : '; no checkpoint was saved, so it has to start over';
    return {
      code: 'trainer_failed',
      message: `the trainer ${how} after ${this.tracker.epochsDone} epoch(s)${where}`,
      details: {
        exitCode: exit.code,
        signal: exit.signal,
        lastLines: [...this.lastLines],
        epoch: this.tracker.epochsDone,
        checkpointDir: this.checkpointDir,
        lastCheckpoint: this.tracker.lastCheckpoint ?? null,
        resumeCommand: resume ?? null,
      },
    };
  }

  /**
   * Progress and output arrive in bursts: they are queued and written in one transaction
   * per tick (each is still stored before it is pushed), which keeps ingest ahead of a
   * fast trainer.
   */
  private emitSoon(event: NewJobEvent): void {
    this.pending.push(event);
    if (this.pending.length === 1) setImmediate(() => this.flush());
  }

  /** Emits after everything queued, keeping the order. */
  private emitNow(event: NewJobEvent): void {
    this.flush();
    this.deps.hub.emit(this.plan.jobId, event);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.deps.transaction(() => {
      for (const event of batch) this.deps.hub.emit(this.plan.jobId, event);
    });
  }

  private isFinal(): boolean {
    const record = this.deps.jobs.getJob(this.plan.jobId);
    return record === undefined || isFinalJobState(record.state);
  }

  private setState(
    state: JobState,
    extra: { reason?: string; exitCode?: number | null; error?: JobError } = {},
  ): void {
    if (this.isFinal()) return;
    const final = isFinalJobState(state);
    this.deps.jobs.updateJob(this.plan.jobId, {
      state,
      ...(final ? { endedAt: this.deps.now() } : {}),
      ...(extra.exitCode !== undefined ? { exitCode: extra.exitCode } : {}),
      ...(extra.error ? { error: { code: extra.error.code, message: extra.error.message } } : {}),
    });
    this.emitNow({ type: 'state', state, ...extra });
  }

  private finish(
    state: 'completed' | 'failed' | 'cancelled',
    extra: Parameters<JobRunner['setState']>[1],
  ): void {
    this.setState(state, extra);
    this.deps.experiments.setStatus(this.plan.jobId, state);
  }
}
