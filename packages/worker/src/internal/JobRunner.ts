import { mkdirSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Artifact,
  ArtifactSchema,
  isFinalJobState,
  type JobError,
  type JobEventHub,
  type JobSpec,
  type JobState,
} from '@trainwire/core';
import { stringify as toYaml } from 'yaml';
import type { TrainerProfile } from '../config/WorkerConfig.js';
import { buildTrainerCommand, type LaunchContext } from '../runner/buildTrainerCommand.js';
import { type ProgressLink, TrainerProcess } from '../runner/TrainerProcess.js';
import type { ArtifactStore } from '../store/ArtifactStore.js';
import type { ExperimentStore } from '../store/ExperimentStore.js';
import type { SqliteJobStore } from '../store/SqliteJobStore.js';
import { resumeCommand } from './resumeCommand.js';
import { type FoundCheckpoint, scanCheckpoints } from './scanCheckpoints.js';
import { sha256File } from './sha256File.js';

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
  private epochsDone = 0;
  private readonly seen = new Map<string, string>();
  private readonly checkpoints = new Map<string, FoundCheckpoint>();
  private scanning: Promise<void> = Promise.resolve();
  private readonly checkpointDir: string;
  private readonly configPath: string;

  constructor(
    private readonly deps: JobRunnerDeps,
    private readonly plan: JobPlan,
  ) {
    this.checkpointDir = join(plan.runDir, 'checkpoints');
    this.configPath = join(plan.runDir, plan.profile.configFormat === 'yaml' ? 'config.yaml' : 'config.json');
    this.finished = this.run().catch((error: Error) => {
      this.finish('failed', {
        reason: error.message,
        error: { code: 'spawn_failed', message: `the trainer could not be started: ${error.message}` },
      });
      return 'failed' as const;
    });
  }

  /** Stop: finish the epoch, save, exit. */
  stop(): void {
    if (this.isFinal()) return;
    this.pendingStop = true;
    this.setState('stopping', { reason: 'stop requested: finishing the epoch and saving a checkpoint' });
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
      plan.profile.configFormat === 'yaml' ? toYaml(plan.spec.config) : JSON.stringify(plan.spec.config, null, 2),
    );
    const link = await deps.createLink();
    const context: LaunchContext = {
      jobId: plan.jobId,
      configPath: this.configPath,
      runDir: plan.runDir,
      checkpointDir: this.checkpointDir,
      resume: plan.resume,
      device: plan.device,
      runName: plan.spec.name ?? plan.jobId,
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
        deps.hub.emit(plan.jobId, { type: 'progress', progress });
        if (progress.event === 'epoch_end') {
          this.epochsDone = progress.epoch + 1;
          this.queueScan();
        }
      },
    });
    this.process = proc;
    deps.jobs.updateJob(plan.jobId, { startedAt: deps.now() });
    if (!this.pendingStop) this.setState('running');
    if (this.pendingStop) proc.stop();
    if (this.pendingCancel) proc.cancel();
    const exit = await proc.exited;
    this.queueScan();
    await this.scanning;

    if (exit.cancelRequested) {
      this.finish('cancelled', { reason: 'cancelled by the user', exitCode: exit.code });
      return 'cancelled';
    }
    if (exit.code === 0) {
      this.registerModel();
      this.finish('completed', {
        ...(exit.stopRequested ? { reason: 'stopped_early' } : {}),
        exitCode: 0,
      });
      return 'completed';
    }
    this.finish('failed', { reason: 'the trainer failed', exitCode: exit.code, error: this.failure(exit) });
    return 'failed';
  }

  private onLog(stream: 'stdout' | 'stderr', line: string, replace: boolean): void {
    if (!replace) {
      this.lastLines.push(line);
      if (this.lastLines.length > LAST_LINES) this.lastLines.shift();
    }
    this.deps.hub.emit(this.plan.jobId, {
      type: 'log',
      stream,
      line,
      ...(replace ? { replace: true } : {}),
    });
    if (stream === 'stdout' && line.startsWith(ARTIFACT_PREFIX)) {
      this.scanning = this.scanning.then(() => this.announced(line.slice(ARTIFACT_PREFIX.length)));
    }
  }

  /** A trainer announced an artifact (`trainwire:artifact {"kind":…,"path":…}`). */
  private async announced(json: string): Promise<void> {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      return;
    }
    const parsed = ArtifactSchema.omit({ id: true, size: true }).safeParse(value);
    if (!parsed.success) return;
    const info = await stat(parsed.data.path).catch(() => undefined);
    if (!info?.isFile()) return;
    this.record({
      ...parsed.data,
      id: `${this.plan.jobId}:${parsed.data.kind}:${parsed.data.path}`,
      size: info.size,
      sha256: await sha256File(parsed.data.path),
    });
  }

  private queueScan(): void {
    this.scanning = this.scanning.then(async () => {
      for (const found of await scanCheckpoints(this.checkpointDir)) {
        const key = `${found.size}:${found.mtimeMs}`;
        if (this.seen.get(found.path) === key) continue;
        this.seen.set(found.path, key);
        const epoch = found.epoch ?? (this.epochsDone > 0 ? this.epochsDone - 1 : undefined);
        const artifact: Artifact = {
          id: `${this.plan.jobId}:checkpoint:${found.name}`,
          kind: 'checkpoint',
          path: found.path,
          size: found.size,
          sha256: await sha256File(found.path),
          ...(epoch === undefined ? {} : { epoch }),
          ...(found.label ? { label: found.label } : {}),
        };
        this.record(artifact);
        this.checkpoints.set(found.path, found);
      }
    });
  }

  private record(artifact: Artifact): void {
    const stored = this.deps.artifacts.add({ ...artifact, experimentId: this.plan.jobId }, this.plan.jobId);
    this.deps.hub.emit(this.plan.jobId, { type: 'artifact', artifact: stored });
  }

  /** The `last` checkpoint, else the newest one. */
  private get lastCheckpoint(): string | undefined {
    const all = [...this.checkpoints.values()];
    const last = all.find((c) => c.label === 'last') ?? all.sort((a, b) => b.mtimeMs - a.mtimeMs)[0];
    return last?.path;
  }

  private registerModel(): void {
    const best = [...this.checkpoints.values()].find((c) => c.label === 'best');
    const source = best?.path ?? this.lastCheckpoint;
    if (!source) return;
    const checkpoint = this.deps.artifacts.get(`${this.plan.jobId}:checkpoint:${source.slice(this.checkpointDir.length + 1)}`);
    if (!checkpoint) return;
    const model = this.deps.artifacts.add(
      { ...checkpoint, id: `${this.plan.jobId}:model`, kind: 'model', label: 'final' },
      this.plan.jobId,
    );
    this.deps.artifacts.registerModel(this.plan.spec.name ?? this.plan.profile.id, model.id);
    this.deps.hub.emit(this.plan.jobId, { type: 'artifact', artifact: model });
  }

  private failure(exit: { code: number | null; signal: string | null; spawnError?: string }): JobError {
    const { plan } = this;
    const how = exit.spawnError ?? (exit.code === null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`);
    const resume = this.lastCheckpoint ? resumeCommand(plan.profile.id, this.configPath, this.lastCheckpoint) : undefined;
    const where = this.lastCheckpoint
      ? `; last checkpoint ${this.lastCheckpoint}; resume with: ${resume}`
      : '; no checkpoint was saved, so it has to start over';
    return {
      code: 'trainer_failed',
      message: `the trainer ${how} after ${this.epochsDone} epoch(s)${where}`,
      details: {
        exitCode: exit.code,
        signal: exit.signal,
        lastLines: [...this.lastLines],
        epoch: this.epochsDone,
        checkpointDir: this.checkpointDir,
        lastCheckpoint: this.lastCheckpoint ?? null,
        resumeCommand: resume ?? null,
      },
    };
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
    this.deps.hub.emit(this.plan.jobId, { type: 'state', state, ...extra });
  }

  private finish(state: 'completed' | 'failed' | 'cancelled', extra: Parameters<JobRunner['setState']>[1]): void {
    this.setState(state, extra);
    this.deps.experiments.setStatus(this.plan.jobId, state);
  }
}
