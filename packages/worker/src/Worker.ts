import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ConfigProfileRegistry,
  type JobEventHub,
  type JobSpec,
  type JobState,
  type ModelRef,
  PREDICT_TAG,
  PROTOCOL_VERSION,
  parseOrThrow,
  RpcPeer,
  type Transport,
  type WorkerInfo,
} from '@trainwire/core';
import type { TrainerProfile, WorkerConfig } from './config/WorkerConfig.js';
import { WorkerError } from './errors.js';
import { modelNoticesOf } from './experiments/ModelNotices.js';
import { checkJobSpec } from './internal/checkJobSpec.js';
import { createHandlers } from './internal/createHandlers.js';
import { type DiskSpace, isDiskFull } from './internal/DiskSpace.js';
import type { FileModes } from './internal/FileModes.js';
import { closeTransports, flushPeers } from './internal/flushPeers.js';
import { JobRunner } from './internal/JobRunner.js';
import { planStages } from './internal/planStages.js';
import { recoverInterruptedJobs } from './internal/recoverInterruptedJobs.js';
import { resolvePredictModel, stageModelInputs } from './internal/resolvePredictModel.js';
import type { Uploads } from './internal/Uploads.js';
import { WorkerAccess } from './internal/WorkerAccess.js';
import { WorkerEventHub } from './internal/WorkerEventHub.js';
import type { MachineInfo } from './machine/detectMachine.js';
import { ReadinessCheck } from './machine/ReadinessCheck.js';
import { type PeerIdentity, PeerIdentitySchema } from './PeerIdentity.js';
import type { TrainerLauncher } from './runner/TrainerLauncher.js';
import type { ProgressLink } from './runner/TrainerProcess.js';
import type { Sandbox } from './sandbox/Sandbox.js';
import type { ArtifactStore } from './store/ArtifactStore.js';
import type { ExperimentStore } from './store/ExperimentStore.js';
import type { WorkerDatabase } from './store/openDatabase.js';
import type { SqliteJobStore, StoredJobRecord } from './store/SqliteJobStore.js';
import type { UploadStore } from './store/UploadStore.js';
import type { WorkerLogger } from './WorkerLogEntry.js';

/** Everything a worker is made of; {@link createWorker} assembles it. */
export interface WorkerParts {
  config: WorkerConfig;
  id: string;
  db: WorkerDatabase;
  jobs: SqliteJobStore;
  experiments: ExperimentStore;
  artifacts: ArtifactStore;
  sandbox: Sandbox;
  uploads: Uploads;
  uploadStore: UploadStore;
  machine: MachineInfo;
  profiles: Map<string, TrainerProfile>;
  configProfiles: ConfigProfileRegistry;
  createLink: () => Promise<ProgressLink>;
  /** Starts every job's trainer: a local process group, a Slurm job, … */
  launcher: TrainerLauncher;
  builtinTrainer: string | undefined;
  version: string;
  now: () => number;
  /** Free space of the data dir, and the reserve given up when it is full. */
  space: DiskSpace;
  /** Gives the data dir up (its `worker.lock`) once the worker closed. */
  releaseDataDir?: () => void;
  /** Modes of what the worker creates (`fileMode` of its config). */
  modes: FileModes;
  /** Where refusals go with their detail (where a symlink led, whose job it was). */
  logger: WorkerLogger;
}

/** How a worker is stopped. */
export interface WorkerCloseOptions {
  /** The signal that stopped it (`SIGINT`, `SIGTERM`): named in the message its jobs end with. */
  signal?: string;
  /** Who stopped it, in words; "its operator" by default. */
  by?: string;
  /** How long clients get to receive the final events before their connections close. */
  flushMs?: number;
}

/** Clients get this long to receive the last events of a stopping worker. */
const FLUSH_MS = 2_000;

/** The registered model a fine-tune starts from, resolved at `job.start`. */
interface FineTuneSource {
  model: ModelRef;
  /** Its file on the worker. */
  path: string;
  /** The experiment that produced it, when it still exists. */
  experimentId: string | undefined;
}

/**
 * The worker agent: serves the control protocol on every connection it accepts, runs
 * trainers through its launcher (child processes, or Slurm jobs), stores every job event
 * before pushing it, and keeps experiments, artifacts and uploads in its data directory.
 * Create it with {@link createWorker}.
 */
export class Worker {
  /** Job events: numbered, stored, then pushed to attached connections. */
  readonly hub: JobEventHub;
  /** Whether each trainer profile can run here, and the GPU (`worker.readiness`). */
  readonly readiness: ReadinessCheck;
  private readonly events: WorkerEventHub;
  private readonly runners = new Map<string, JobRunner>();
  private readonly peers = new Set<RpcPeer>();
  private readonly access: WorkerAccess;
  private closed = false;

  constructor(readonly parts: WorkerParts) {
    this.events = new WorkerEventHub(parts.jobs, parts.db, parts.now);
    this.hub = this.events;
    this.access = new WorkerAccess(parts);
    this.readiness = new ReadinessCheck({
      profiles: parts.profiles,
      machine: parts.machine,
      cpuOnly: parts.config.cpuOnly,
      builtinTrainer: parts.builtinTrainer,
      ttlMs: parts.config.readinessTtlMs,
      now: parts.now,
    });
  }

  /** The job store (core's `JobStore` port on SQLite). */
  get jobs(): SqliteJobStore {
    return this.parts.jobs;
  }

  /** Experiments and their lineage. */
  get experiments(): ExperimentStore {
    return this.parts.experiments;
  }

  /** Artifacts and the model registry. */
  get artifacts(): ArtifactStore {
    return this.parts.artifacts;
  }

  /** What this worker tells clients about itself. */
  info(): WorkerInfo {
    const { config, machine } = this.parts;
    return {
      id: this.parts.id,
      name: config.name ?? this.parts.id,
      // detectMachine finds no GPU on a CPU-only worker.
      gpu: machine.gpu,
      ...(machine.gpus.length < 2 ? {} : { gpus: machine.gpus }),
      cpu: machine.cpu,
      ramMiB: machine.ramMiB,
      status: this.runners.size >= config.maxConcurrentJobs ? 'busy' : 'available',
      versions: {
        worker: this.parts.version,
        node: process.versions.node,
        protocol: String(PROTOCOL_VERSION),
      },
      capabilities: [...this.parts.profiles.keys()],
      tags: config.tags,
    };
  }

  /**
   * Serves the protocol on one connection (and receives its uploads). Returns the peer;
   * the connection is forgotten when the transport closes.
   *
   * `identity` is the far end as the signaling server attests it (over WebRTC:
   * `transport.remote`). Its jobs are recorded as its own; it may stop or cancel only those
   * (else `not_owner`), and use and see only its own uploads; reads of jobs stay open to
   * the room. Without one the connection is the local (embedded) mode, with full rights.
   *
   * @example
   * ```ts
   * const [client, server] = createMemoryTransportPair();
   * worker.accept(server); // local: full rights
   * const info = await new RpcPeer(client).request('worker.info', {});
   * // over WebRTC: endpoint.connections$.subscribe((t) => worker.accept(t, t.remote));
   * ```
   */
  accept(transport: Transport, identity?: PeerIdentity): RpcPeer {
    const caller =
      identity === undefined
        ? undefined
        : parseOrThrow(PeerIdentitySchema, identity, 'the identity of a connection');
    const peer = new RpcPeer(transport);
    this.peers.add(peer);
    peer.serve(createHandlers(this, this.parts, caller));
    const streams = transport.byteStreams$.subscribe((stream) =>
      this.parts.uploads.receive(stream, caller),
    );
    transport.status$.subscribe((status) => {
      if (status !== 'closed') return;
      streams.unsubscribe();
      this.hub.detachPeer(peer);
      this.peers.delete(peer);
      peer.dispose();
    });
    return peer;
  }

  /**
   * Pushes the job's events to `peer`: with `afterSeq`, the stored ones after it first, in
   * order, then the live ones (`job.attach`); without, only those still to come.
   */
  attachPeer(jobId: string, peer: RpcPeer, afterSeq?: number): void {
    this.events.attach(jobId, peer, afterSeq);
  }

  /**
   * The mounts as `identity` may use them: the uploads folder holds only its own uploads.
   * Refusals that hide something from the caller (where `..` or a symlink led, another's
   * upload, a folder the system would not read) are logged with that detail.
   */
  sandboxFor(identity?: PeerIdentity): Sandbox {
    return this.access.sandboxFor(identity);
  }

  /**
   * Starts a job (idempotent for the same `jobId`). Validates the profile, the config, the
   * device and every path first (as `identity` may use them: only its own uploads);
   * refuses with `worker_busy` at the concurrency limit. The job is recorded as started by
   * `identity` (none: the local mode).
   */
  async startJob(
    jobId: string,
    spec: JobSpec,
    peer?: RpcPeer,
    identity?: PeerIdentity,
  ): Promise<{ state: JobState; lastSeq: number }> {
    const existing = this.jobs.getJob(jobId);
    if (existing) {
      if (JSON.stringify(existing.spec) !== JSON.stringify(spec)) {
        throw new WorkerError(
          'job_conflict',
          `job ${jobId} exists with another spec; pick a new job id`,
        );
      }
      if (peer) this.hub.attach(jobId, peer);
      return { state: existing.state, lastSeq: existing.lastSeq };
    }
    if (this.closed)
      throw new WorkerError('worker_busy', 'this worker is shutting down; try another worker');
    const checked = checkJobSpec(this.parts, spec, this.info().name);
    const { profile, device } = checked;
    const fineTune = spec.fineTune === undefined ? undefined : this.resolveFineTune(spec);
    // The experiment it names exists and runs nothing else (checked again in the transaction).
    if (spec.experimentId !== undefined) this.experiments.requireStartable(spec.experimentId);
    this.parts.space.checkForJob();
    const { maxConcurrentJobs } = this.parts.config;
    if (this.runners.size >= maxConcurrentJobs) {
      throw new WorkerError(
        'worker_busy',
        `${this.info().name} already runs ${this.runners.size} job(s) (its limit is ${maxConcurrentJobs}); wait for one to finish, stop it, or pick another worker`,
      );
    }
    const sandbox = this.sandboxFor(identity);
    const inputs: Record<string, string> = {};
    for (const [role, path] of Object.entries(spec.inputs))
      inputs[role] = await sandbox.resolve(path);
    const resume = spec.resume ? await sandbox.resolve(spec.resume) : undefined;
    const runDir = join(this.parts.config.dataDir, 'runs', jobId);
    const resolved =
      spec.predict === undefined
        ? undefined
        : await resolvePredictModel(spec.predict.model, this.artifacts, sandbox);
    const predictModel = resolved?.path;
    if (resolved !== undefined) {
      // A pipeline stage's model predicts with the models it was trained with beside it
      // (sleap-nn's centered-instance model and its centroid model); the caller's win.
      const beside = stageModelInputs(resolved.artifact, this.artifacts, this.jobs);
      for (const [role, path] of Object.entries(beside)) inputs[role] ??= path;
    }
    const stages =
      checked.stages === undefined
        ? undefined
        : await planStages({
            parts: this.parts,
            spec,
            checked: checked.stages,
            sandbox,
            runDir,
            resume,
          });
    if (this.runners.size >= maxConcurrentJobs || this.jobs.getJob(jobId)) {
      // raced with another start while resolving paths
      return this.startJob(jobId, spec, peer, identity);
    }

    // Attached first: the `starting` event is pushed once its transaction committed.
    if (peer) this.hub.attach(jobId, peer);
    // One transaction: a job row never outlives a failed experiment insert (or a full disk).
    try {
      this.events.transaction(() => this.createJobRecords(jobId, spec, resume, identity, fineTune));
    } catch (error) {
      if (isDiskFull(error))
        throw this.parts.space.diskFull(`job ${jobId} could not be recorded`, error);
      throw error;
    }
    const runner = new JobRunner(
      {
        hub: this.events,
        jobs: this.jobs,
        artifacts: this.artifacts,
        experiments: this.experiments,
        createLink: this.parts.createLink,
        launcher: this.parts.launcher,
        modes: this.parts.modes,
        now: this.parts.now,
        space: this.parts.space,
        workerName: () => this.info().name,
        modelActivated: (model, previous) => modelNoticesOf(this.parts).activated(model, previous),
      },
      {
        jobId,
        spec,
        profile,
        runDir,
        device,
        inputs,
        resume,
        ...(fineTune === undefined ? {} : { baseModel: fineTune.path }),
        datasetDir: join(this.parts.config.dataDir, 'datasets'),
        builtinTrainer: this.parts.builtinTrainer,
        ...(stages === undefined ? {} : { stages }),
        ...(predictModel === undefined ? {} : { predictModel }),
        ...(checked.totalEpochs === undefined ? {} : { totalEpochs: checked.totalEpochs }),
      },
    );
    this.runners.set(jobId, runner);
    void runner.finished.finally(() => this.runners.delete(jobId));
    const record = this.jobs.getJob(jobId)!;
    return { state: record.state, lastSeq: record.lastSeq };
  }

  private createJobRecords(
    jobId: string,
    spec: JobSpec,
    resume: string | undefined,
    identity: PeerIdentity | undefined,
    fineTune: FineTuneSource | undefined,
  ): void {
    this.jobs.createJob({
      jobId,
      spec,
      state: 'starting',
      workerId: this.parts.id,
      createdAt: this.parts.now(),
      ...(identity
        ? {
            owner: {
              credentialId: identity.credentialId,
              ...(identity.name === undefined ? {} : { name: identity.name }),
            },
          }
        : {}),
    });
    if (spec.experimentId !== undefined) {
      this.experiments.attachJob(spec.experimentId, jobId);
      if (fineTune !== undefined) {
        this.experiments.markFineTune(
          spec.experimentId,
          fineTune.model,
          fineTune.path,
          fineTune.experimentId,
        );
      }
    } else {
      const parentId = spec.parentExperiment ?? fineTune?.experimentId;
      this.experiments.create({
        id: jobId,
        name: spec.name ?? jobId,
        preset: spec.profile,
        config: spec.config,
        ...(parentId === undefined ? {} : { parentId }),
        ...(resume ? { checkpointSource: resume } : {}),
        ...(fineTune === undefined
          ? {}
          : {
              relation: 'fine-tune',
              sourceModel: fineTune.model,
              checkpointSource: fineTune.path,
            }),
        status: 'running',
        // A predict job's experiment says so: views offer no Resume or Retry for it.
        tags:
          spec.predict === undefined ? spec.tags : [...new Set([...spec.tags, PREDICT_TAG])].sort(),
        jobId,
      });
    }
    this.hub.emit(jobId, { type: 'state', state: 'starting' });
  }

  /**
   * The model version `spec.fineTune` names (by default the active version) and its file;
   * `unknown_model` without one, `not_found` when its file is gone, `config_invalid` with
   * a resume as well (a job starts from one or the other).
   */
  private resolveFineTune(spec: JobSpec): FineTuneSource {
    const { model: name, version } = spec.fineTune!;
    if (spec.resume !== undefined) {
      const message =
        'a job either resumes from a checkpoint (resume) or fine-tunes a registered model (fineTune), not both; drop one';
      throw new WorkerError('config_invalid', message, {
        details: { issues: [{ path: 'fineTune', severity: 'error', code: 'conflict', message }] },
      });
    }
    const model =
      version === undefined
        ? this.artifacts.activeModel(name)
        : this.artifacts.requireModel(name, version);
    if (model === undefined) {
      throw new WorkerError(
        'unknown_model',
        `model ${name} has no active version on this worker; name one (fineTune.version) or activate one (\`trainwire models activate ${name} VERSION\`)`,
        { details: { name } },
      );
    }
    const path = model.artifact?.path;
    if (path === undefined || !existsSync(path)) {
      throw new WorkerError(
        'not_found',
        `the file of ${name} version ${model.version} is gone from this worker${path === undefined ? '' : ` (${path})`}; fine-tune another version`,
        { details: { path: path ?? '' } },
      );
    }
    const from = model.experimentId;
    return {
      model: { name, version: model.version },
      path,
      experimentId: from !== undefined && this.experiments.get(from) ? from : undefined,
    };
  }

  /**
   * Asks a running job to finish its epoch, save and stop. A caller with an `identity`
   * must have started it (else `not_owner`); an admin or the local mode may stop any.
   */
  stopJob(jobId: string, identity?: PeerIdentity): JobState {
    this.access.requireControl(this.requireJob(jobId), identity, 'stop');
    this.runners.get(jobId)?.stop();
    return this.requireJob(jobId).state;
  }

  /** Ends a running job and everything its trainer started; the same rule as {@link stopJob}. */
  cancelJob(jobId: string, identity?: PeerIdentity): JobState {
    this.access.requireControl(this.requireJob(jobId), identity, 'cancel');
    this.runners.get(jobId)?.cancel();
    return this.requireJob(jobId).state;
  }

  /** Process id of a running job's trainer (its process group id too). */
  trainerPid(jobId: string): number | undefined {
    return this.runners.get(jobId)?.pid;
  }

  /** Resolves when the job reached a final state. */
  async waitForJob(jobId: string): Promise<JobState> {
    const runner = this.runners.get(jobId);
    if (runner) await runner.finished;
    return this.requireJob(jobId).state;
  }

  /** The job, or an `unknown_job` error. */
  requireJob(jobId: string): StoredJobRecord {
    const record = this.jobs.getJob(jobId);
    if (!record)
      throw new WorkerError(
        'unknown_job',
        `this worker has no job ${jobId}; list jobs with job.list`,
      );
    return record;
  }

  /**
   * Marks jobs that were running when the worker stopped as failed ("worker restarted"),
   * naming their last checkpoint and the command that resumes from it.
   */
  recoverInterruptedJobs(): Promise<string[]> {
    return recoverInterruptedJobs(this.parts, this.events, (jobId) => this.runners.has(jobId), {
      workerName: this.info().name,
    });
  }

  /**
   * Stops the worker: each running job is cancelled and ends with a `worker_stopped` error
   * that names who stopped it, its last checkpoint and the resume command; clients get up
   * to 2 s to receive that, then their connections close, and the store and the data dir
   * are given up.
   *
   * @example
   * ```ts
   * process.once('SIGTERM', () => void worker.close({ signal: 'SIGTERM' }));
   * ```
   */
  async close(options: WorkerCloseOptions = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const by = `${options.by ?? 'its operator'}${options.signal ? ` (${options.signal})` : ''}`;
    const running = [...this.runners.values()];
    for (const runner of running) runner.shutdown(by);
    await Promise.allSettled(running.map((r) => r.finished));
    await this.parts.launcher.close();
    const peers = [...this.peers];
    await flushPeers(peers, options.flushMs ?? FLUSH_MS);
    for (const peer of peers) peer.dispose();
    await closeTransports(peers, options.flushMs ?? FLUSH_MS);
    this.parts.db.close();
    this.parts.releaseDataDir?.();
  }
}
