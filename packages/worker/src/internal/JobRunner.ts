import { join } from 'node:path';
import type { ProgressMessage } from '@trainwire/core';
import {
  describeStage,
  type JobError,
  type JobStage,
  type JobState,
  type NewJobEvent,
  PIPELINE_PROFILE,
} from '@trainwire/core';
import { stringify as toYaml } from 'yaml';
import { buildTrainerCommand, type LaunchContext } from '../runner/buildTrainerCommand.js';
import type { LaunchExit, LaunchedTrainer } from '../runner/TrainerLauncher.js';
import { ArtifactTracker } from './ArtifactTracker.js';
import { isDiskFull, mentionsDiskFull } from './DiskSpace.js';
import { makeDir, writeFileWithMode } from './FileModes.js';
import { finishPredict, predictionsPath } from './finishPredict.js';
import {
  type JobPlan,
  type JobRunnerDeps,
  plainStage,
  type StagePlan,
  stageInputs,
} from './JobPlan.js';
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

export type { JobPlan, JobRunnerDeps, StagePlan } from './JobPlan.js';

/** Why a job ends other than by its trainer: the worker stopped, or the store failed. */
type Ending =
  | { kind: 'worker_stopped'; by: string }
  | { kind: 'no_space' }
  | { kind: 'store_failed'; cause: unknown };

/** The trainer in hand: its plan and what is tracked of it. */
interface CurrentStage {
  plan: StagePlan;
  tracker: ArtifactTracker;
  checkpointDir: string;
  configPath: string;
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
  private lastLines: string[] = [];
  private readonly recorder: JobRecorder;
  private ending: Ending | undefined;
  private readonly stages: readonly StagePlan[];
  private current: CurrentStage;
  /** Names of the pipeline's stages that finished (reused ones included). */
  private readonly completedStages: string[] = [];

  constructor(
    private readonly deps: JobRunnerDeps,
    private readonly plan: JobPlan,
  ) {
    this.recorder = new JobRecorder(deps, plan.jobId, (error) => this.storeFailed(error));
    this.stages = plan.stages ?? [plainStage(plan)];
    this.current = this.prepare(this.stages.find((s) => s.reusedModel === undefined)!);
    this.finished = this.run().catch((error: Error) => {
      if (isDiskFull(error)) this.ending ??= { kind: 'no_space' };
      if (this.ending) return this.end(undefined);
      this.recorder.finish('failed', {
        reason: error.message,
        ...this.stageField(),
        error: {
          code: 'spawn_failed',
          message: `${this.stageWords()}the trainer could not be started: ${error.message}`,
        },
      });
      return 'failed' as const;
    });
  }

  /** The tracker, checkpoint folder and config file of one stage. */
  private prepare(stage: StagePlan): CurrentStage {
    const { deps, plan } = this;
    const checkpointDir = join(stage.runDir, 'checkpoints');
    const tracker = new ArtifactTracker(
      deps.artifacts,
      (event) => deps.hub.emit(plan.jobId, this.withStage(event)),
      plan.jobId,
      checkpointDir,
      (fn) => {
        this.recorder.flush();
        this.recorder.write(() => deps.hub.transaction(fn));
      },
      stage.stage === undefined ? plan.jobId : `${plan.jobId}:${stage.stage.name}`,
    );
    return {
      plan: stage,
      tracker,
      checkpointDir,
      configPath: runConfigPath(stage.runDir, stage.profile.configFormat),
    };
  }

  /** `{stage}` of the stage in hand, for events and final states (none without stages). */
  private stageField(): { stage?: JobStage } {
    const stage = this.current.plan.stage;
    return stage === undefined ? {} : { stage };
  }

  /** "stage centroid: " when the job is a pipeline, else nothing. */
  private stageWords(): string {
    const stage = this.current.plan.stage;
    return stage === undefined ? '' : `stage ${stage.name}: `;
  }

  private withStage(event: NewJobEvent): NewJobEvent {
    const stage = this.current.plan.stage;
    return stage === undefined ? event : { ...event, stage };
  }

  /** Stage progress carries the stage's name as `what`: loss viewers show each stage apart. */
  private emitProgress(progress: ProgressMessage): void {
    const stage = this.current.plan.stage;
    this.recorder.emitSoon(
      stage === undefined
        ? { type: 'progress', progress }
        : { type: 'progress', progress: { ...progress, what: stage.name }, stage },
    );
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

  /**
   * Runs the job's trainers in turn: the job's own, or each stage of a pipeline (stages a
   * resumed pipeline finished before are skipped, their models reused). A stage that fails,
   * is cancelled or stopped early ends the job there; no later stage starts.
   */
  private async run(): Promise<JobState> {
    const { plan, deps } = this;
    makeDir(plan.runDir, deps.modes);
    if (plan.stages !== undefined) {
      // What the worker's resume command names (`--config`): the pipeline's stages.
      writeFileWithMode(
        this.pipelineConfigPath(),
        JSON.stringify({ stages: plan.spec.stages }, null, 2),
        deps.modes,
      );
    }
    const models = new Map<string, string>();
    for (const [index, stage] of this.stages.entries()) {
      const name = stage.stage?.name;
      if (stage.reusedModel !== undefined && name !== undefined) {
        models.set(name, stage.reusedModel);
        this.completedStages.push(name);
        continue;
      }
      if (index > 0 && this.pendingStop && !this.pendingCancel && !this.ending) {
        // Stopped between stages: the stage before finished and saved; none starts now.
        this.recorder.finish('completed', {
          reason: 'stopped_early',
          exitCode: 0,
          ...this.stageField(),
        });
        return 'completed';
      }
      if (stage !== this.current.plan) this.current = this.prepare(stage);
      this.lastLines = [];
      const inputs = stageInputs(stage, models);
      if (typeof inputs === 'string') {
        this.recorder.finish('failed', {
          reason: inputs,
          ...this.stageField(),
          error: { code: 'spawn_failed', message: inputs },
        });
        return 'failed';
      }
      const outcome = await this.runStage(inputs, index === this.stages.length - 1);
      if (outcome !== 'next') return outcome;
      const model = this.current.tracker.modelSource;
      if (name !== undefined) {
        if (model !== undefined) models.set(name, model);
        this.completedStages.push(name);
      }
    }
    return 'completed';
  }

  /** Where a pipeline's stages are written, for the worker's resume command. */
  private pipelineConfigPath(): string {
    return join(this.plan.runDir, 'pipeline.json');
  }

  /**
   * Runs the trainer in hand to its end. Answers the job's final state, or `next` when it
   * was a stage that completed and a later one is to run.
   */
  private async runStage(
    inputs: Record<string, string>,
    last: boolean,
  ): Promise<JobState | 'next'> {
    const { plan, deps } = this;
    const { plan: stage, checkpointDir, configPath } = this.current;
    makeDir(stage.runDir, deps.modes);
    makeDir(checkpointDir, deps.modes);
    writeFileWithMode(
      configPath,
      stage.profile.configFormat === 'yaml'
        ? toYaml(stage.config)
        : JSON.stringify(stage.config, null, 2),
      deps.modes,
    );
    const link = await deps.createLink();
    const runName =
      stage.stage === undefined
        ? (plan.spec.name ?? plan.jobId)
        : `${plan.spec.name ?? plan.jobId}-${stage.stage.name}`;
    const context: LaunchContext = {
      jobId: plan.jobId,
      configPath,
      runDir: stage.runDir,
      checkpointDir,
      resume: stage.resume,
      device: stage.device,
      // Hydra and file systems both take a plain slug.
      runName: runName.replace(/[^A-Za-z0-9._-]+/g, '_'),
      publishAddress: link.publishAddress,
      controlAddress: link.controlAddress,
      inputs,
      datasetDir: plan.datasetDir,
      ...(plan.builtinTrainer ? { builtinTrainer: plan.builtinTrainer } : {}),
      ...(stage.predictModel !== undefined
        ? {
            mode: 'predict' as const,
            model: stage.predictModel,
            predictions: this.predictionsPath(),
          }
        : stage.baseModel
          ? { baseModel: stage.baseModel, fineTune: true }
          : inputs.base_model
            ? { baseModel: inputs.base_model, fineTune: true }
            : {}),
    };
    let launch: ReturnType<typeof buildTrainerCommand>;
    try {
      launch = buildTrainerCommand(stage.profile, context);
    } catch (error) {
      await link.close();
      throw error;
    }
    if (this.pendingCancel) {
      await link.close();
      if (this.ending) return this.end(undefined);
      this.recorder.finish('cancelled', {
        reason: 'cancelled before the trainer started',
        ...this.stageField(),
      });
      return 'cancelled';
    }
    const tracker = this.current.tracker;
    const proc = await deps.launcher
      .launch({
        jobId: plan.jobId,
        argv: launch.argv,
        env: launch.env,
        cwd: stage.profile.cwd ?? stage.runDir,
        // The job's folder, not the stage's: a restarted worker finds the trainer there.
        runDir: plan.runDir,
        device: stage.device,
        ...(deps.modes.umask === undefined ? {} : { umask: deps.modes.umask }),
        link,
        onLog: (stream, line, replace) => this.onLog(stream, line, replace),
        onProgress: (progress) => {
          this.emitProgress(progress);
          if (progress.event === 'train_begin' && progress.total_epochs !== undefined) {
            tracker.totalEpochs = progress.total_epochs;
          }
          if (progress.event === 'epoch_end') {
            tracker.epochsDone = progress.epoch + 1;
            tracker.scan();
          }
        },
        onStatus: (status) => {
          if (status.state === 'queued') {
            // A scheduler holds it: the reason reaches the state event and the job's log.
            this.onLog('stderr', `[${deps.launcher.kind}] ${status.reason}`, false);
            if (!this.pendingStop) {
              this.recorder.setState('queued', { reason: status.reason, ...this.stageField() });
            }
            return;
          }
          this.recorder.write(() => deps.jobs.updateJob(plan.jobId, { startedAt: deps.now() }));
          if (status.where !== undefined) {
            this.onLog('stderr', `[${deps.launcher.kind}] running on ${status.where}`, false);
          }
          const at = stage.stage;
          if (!this.pendingStop) {
            this.recorder.setState(
              'running',
              at === undefined ? {} : { reason: describeStage(at), stage: at },
            );
          }
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
    // Between stages no trainer runs: a stop or cancel then acts on the next one's start.
    if (this.process === proc) this.process = undefined;
    // Its whole process group is gone: a `.tmp` left in the checkpoint folder is half a file.
    await removePartialCheckpoints(checkpointDir);
    tracker.scan();
    await tracker.settled();
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
        ...this.stageField(),
      });
      return 'cancelled';
    }
    if (exit.code === 0 && stage.predictModel !== undefined) return this.endPredict(exit);
    if (exit.code === 0) {
      const registered = tracker.registerModel(this.modelName());
      if (registered !== undefined) this.deps.modelActivated(registered.model, registered.previous);
      if (!last && !exit.stopRequested) return 'next';
      this.recorder.finish('completed', {
        ...(exit.stopRequested ? { reason: 'stopped_early' } : {}),
        exitCode: 0,
        ...this.stageField(),
      });
      return 'completed';
    }
    this.recorder.finish('failed', {
      reason: `${this.stageWords()}${exit.endedBy ? `the trainer ${exit.endedBy.summary}` : 'the trainer failed'}`,
      exitCode: exit.code,
      ...this.stageField(),
      error: this.failure(exit),
    });
    return 'failed';
  }

  /** Where a predict job's trainer writes its predictions (`predictionsFile` of its profile). */
  private predictionsPath(): string {
    return predictionsPath(this.current.plan);
  }

  /** A predict job's trainer exited 0: see {@link finishPredict}. */
  private endPredict(exit: LaunchExit): Promise<JobState> {
    return finishPredict({
      path: this.predictionsPath(),
      exit,
      recorder: this.recorder,
      tracker: this.current.tracker,
      lastLines: this.lastLines,
      position: () => this.position(),
    });
  }

  /** The model registry name of what the trainer in hand made: `NAME`, or `NAME/STAGE`. */
  private modelName(): string {
    const { spec } = this.plan;
    const stage = this.current.plan.stage;
    if (stage === undefined) return spec.name ?? this.current.plan.profile.id;
    return spec.name === undefined ? stage.name : `${spec.name}/${stage.name}`;
  }

  private onLog(stream: 'stdout' | 'stderr', line: string, replace: boolean): void {
    if (!replace) {
      this.lastLines.push(line);
      if (this.lastLines.length > LAST_LINES) this.lastLines.shift();
    }
    this.recorder.emitSoon(
      this.withStage({ type: 'log', stream, line, ...(replace ? { replace: true } : {}) }),
    );
    if (stream === 'stdout' && line.startsWith(ARTIFACT_PREFIX)) {
      this.current.tracker.announce(line.slice(ARTIFACT_PREFIX.length));
    }
  }

  /**
   * Where the job stands: epochs done, its newest checkpoint and the resume command — of
   * the stage in hand for a pipeline, with the stage and the stages that finished.
   */
  private position(): JobPosition & { stage?: JobStage; completedStages?: string[] } {
    const { tracker, checkpointDir, configPath, plan: stage } = this.current;
    const pipeline = stage.stage !== undefined;
    return {
      ...jobPosition({
        profile: pipeline ? PIPELINE_PROFILE : stage.profile.id,
        configPath: pipeline ? this.pipelineConfigPath() : configPath,
        checkpointDir,
        epoch: Math.max(tracker.epochsDone, tracker.epochsSaved),
        lastCheckpoint: tracker.lastCheckpoint,
      }),
      // A trainer killed before its first messages left it (SIGKILL, out of memory) still
      // ends "after epoch 1 of 8": the config's count stands in for its `train_begin`.
      ...optionalTotal(tracker.totalEpochs ?? stage.totalEpochs),
      ...(stage.stage === undefined
        ? {}
        : { stage: stage.stage, completedStages: [...this.completedStages] }),
    };
  }

  private failure(exit: LaunchExit): JobError {
    const how =
      exit.spawnError ??
      exit.endedBy?.summary ??
      (exit.code === null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`);
    const position = this.position();
    return {
      code: 'trainer_failed',
      message: `${this.stageWords()}the trainer ${how} after ${position.epoch} epoch(s)${whereToResume(position)}`,
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
        ...this.stageField(),
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
      ...this.stageField(),
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

function optionalTotal(totalEpochs: number | undefined): { totalEpochs?: number } {
  return totalEpochs === undefined ? {} : { totalEpochs };
}
