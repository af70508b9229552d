import {
  BehaviorSubject,
  distinctUntilChanged,
  map,
  type Observable,
  type SchedulerLike,
} from 'rxjs';
import { isRefusalCode } from './describeOutcome.js';
import { inject, injectable } from './di.js';
import { EventBus } from './EventBus.js';
import { formatFieldIssues, isTrainwireError, parseOrThrow, TrainwireError } from './errors.js';
import { WorkerTarget } from './internal/WorkerTarget.js';
import { JobSession } from './JobSession.js';
import type { JobLink, SubmitStep } from './JobSnapshot.js';
import type { LocalFile } from './LocalFile.js';
import { newJobId } from './newJobId.js';
import { createPathResolution } from './paths/PathResolution.js';
import { pipelineIssues, specInputPaths } from './pipelineIssues.js';
import type { RpcPeer } from './protocol/RpcPeer.js';
import type { JobError, JobEvent } from './schemas/JobEvent.js';
import { type JobSpec, type JobSpecInput, JobSpecSchema } from './schemas/JobSpec.js';
import { isFinalJobState } from './schemas/JobState.js';
import type { Transport } from './Transport.js';
import { CLOCK, CONFIG_PROFILES, JOB_MANAGER_OPTIONS, TRANSPORT } from './tokens.js';
import { uploadFile } from './uploadFile.js';
import type { ValidationReport } from './validation/ConfigProfile.js';
import type { ConfigProfileRegistry } from './validation/ConfigProfileRegistry.js';
import { validateWithProfile } from './validation/ConfigProfileRegistry.js';

/** Options of a `JobManager`. */
export interface JobManagerOptions {
  /** Jobs that may run at once on one target (worker); 1 by default ("Run is disabled"). */
  maxConcurrentPerTarget?: number;
  /** RPC timeout per try, ms. */
  requestTimeoutMs?: number;
  /** How often a silent worker is asked for a sign of life while a job of it is followed, ms (5 000). */
  heartbeatIntervalMs?: number;
  /**
   * Silence after which the worker counts as unreachable, ms (30 000): its sessions show
   * `connection.status === 'unreachable'`, with the job's last known progress.
   */
  heartbeatTimeoutMs?: number;
  /** How long an unreachable worker is waited for before its sessions are `lost`, ms (600 000). */
  reconnectForMs?: number;
  /**
   * Opens a new link to the same worker once the old one closed (the worker restarted, or
   * the network was down longer than the transport waits). Tried with backoff until
   * `reconnectForMs` passes; each live job is then attached again and caught up.
   */
  reconnect?: (lost: Transport) => Promise<Transport>;
}

/** What {@link JobManager.getSnapshot} returns. */
export interface JobManagerSnapshot {
  /** Every session this manager made, oldest first. */
  jobs: readonly JobSession[];
  /** Whether the default worker takes another job now ("Run" enabled). */
  canSubmit: boolean;
}

/** Options of one submission. */
export interface SubmitOptions {
  /** The worker to run on; the injected `TRANSPORT` by default. */
  transport?: Transport;
  /**
   * Client files to upload, by input role; the worker skips files it already has. For a
   * pipeline, each uploaded file is an input of every stage (by its role).
   */
  uploads?: Record<string, LocalFile>;
  /** A job id of the caller's choosing (unique); one is generated otherwise. */
  jobId?: string;
}

/**
 * Submits jobs and keeps their sessions. `submit()` runs the pre-submission pipeline —
 * validate the config → check input paths on the worker → upload what is missing → start —
 * and shows each step in the session (`submitStep`), so a UI can open the right dialog at
 * the step that failed. One job at a time per worker by default (`canSubmit$`).
 *
 * @example
 * ```ts
 * const manager = container.resolve(JobManager);
 * const session = manager.submit({ profile: 'builtin', config: { epochs: 10 } });
 * session.state$.subscribe((state) => console.log(state));
 * const final = await session.done;
 * ```
 */
@injectable()
export class JobManager {
  /** Every session this manager made, newest last (for a jobs panel). */
  readonly jobs$: Observable<readonly JobSession[]>;
  /** Whether the default target takes another job now. */
  readonly canSubmit$: Observable<boolean>;

  private readonly jobs = new BehaviorSubject<readonly JobSession[]>([]);
  private snapshot: JobManagerSnapshot | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly targets = new Map<Transport, WorkerTarget>();
  private readonly maxConcurrent: number;

  constructor(
    @inject(TRANSPORT) private readonly defaultTransport: Transport,
    @inject(CLOCK) private readonly scheduler: SchedulerLike,
    @inject(CONFIG_PROFILES) private readonly profiles: ConfigProfileRegistry,
    @inject(JOB_MANAGER_OPTIONS) private readonly options: JobManagerOptions,
    @inject(EventBus) readonly bus: EventBus,
  ) {
    this.maxConcurrent = options.maxConcurrentPerTarget ?? 1;
    this.jobs$ = this.jobs.asObservable();
    this.canSubmit$ = this.canSubmitTo$(defaultTransport);
    this.canSubmit$.subscribe(() => this.changed());
  }

  /** The jobs and whether the default worker takes another, for React; the same object until it changes. */
  getSnapshot = (): JobManagerSnapshot => {
    this.snapshot ??= {
      jobs: this.jobs.getValue(),
      canSubmit: this.target(this.defaultTransport).active.getValue() < this.maxConcurrent,
    };
    return this.snapshot;
  };

  /** Calls `listener` when a job is added or `canSubmit` changes; returns unsubscribe. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private changed(): void {
    this.snapshot = null;
    for (const listener of [...this.listeners]) listener();
  }

  /** Whether `transport`'s worker takes another job now. */
  canSubmitTo$(transport: Transport): Observable<boolean> {
    return this.target(transport).active.pipe(
      map((active) => active < this.maxConcurrent),
      distinctUntilChanged(),
    );
  }

  /** The RPC connection to a target, for requests the manager does not wrap. */
  peerFor(transport: Transport = this.defaultTransport): RpcPeer {
    return this.target(transport).peer;
  }

  /**
   * Submits a job and returns its session at once; the pipeline runs in the background and
   * its outcome shows in the session. Throws `submit_refused` when the target already runs
   * as many jobs as the policy allows, and `validation_failed` for a malformed spec.
   */
  submit(input: JobSpecInput, options: SubmitOptions = {}): JobSession {
    const spec = parseOrThrow(JobSpecSchema, input, 'job spec');
    const target = this.target(options.transport ?? this.defaultTransport);
    if (target.active.getValue() >= this.maxConcurrent) {
      throw new TrainwireError(
        'submit_refused',
        `a job is already running on worker ${target.name}; wait for it to finish, stop it, or pick another worker`,
      );
    }
    const jobId = options.jobId ?? this.newJobId();
    const session = new JobSession({
      jobId,
      spec,
      link: this.sessionLink(target),
      workerName: target.name,
      scheduler: this.scheduler,
      ...this.epochTotals(spec),
    });
    this.track(target, session);
    void this.runPipeline(target, session, spec, options.uploads ?? {});
    return session;
  }

  /**
   * Validates a spec's config with this manager's profile for it, as `submit` will: the
   * report, or undefined when no profile of this client knows the spec's (the worker
   * checks it then). A dialog shows the warnings before the job is submitted.
   */
  validate(input: JobSpecInput): ValidationReport | undefined {
    return this.validateSpec(parseOrThrow(JobSpecSchema, input, 'job spec'));
  }

  /**
   * The spec's config checked by this client's profiles; for a pipeline, its shape
   * ({@link pipelineIssues}) and each stage's config, issues at `stages.K.config.…`.
   */
  private validateSpec(spec: JobSpec): ValidationReport | undefined {
    const shape = pipelineIssues(spec);
    // A predict job's config is the trainer's predict settings, not a training config.
    if (spec.predict !== undefined)
      return shape.length === 0 ? undefined : { ok: false, issues: shape };
    if (spec.stages === undefined) {
      const profile = this.profiles.get(spec.profile);
      if (profile === undefined)
        return shape.length === 0 ? undefined : { ok: false, issues: shape };
      const report = validateWithProfile(profile, spec.config);
      return shape.length === 0 ? report : { ok: false, issues: [...shape, ...report.issues] };
    }
    const issues = [...shape];
    spec.stages.forEach((stage, index) => {
      const profile = this.profiles.get(stage.profile);
      if (profile === undefined) return;
      for (const issue of validateWithProfile(profile, stage.config).issues) {
        issues.push({
          ...issue,
          path: `stages.${index}.config.${issue.path}`,
          message: `stage ${stage.name}: ${issue.message}`,
        });
      }
    });
    return { ok: !issues.some((i) => i.severity === 'error'), issues };
  }

  /** The epochs a spec asks for (each stage's, for a pipeline), from this client's profiles. */
  private epochTotals(spec: JobSpec): {
    totalEpochs?: number;
    stageTotalEpochs?: (number | undefined)[];
  } {
    if (spec.stages !== undefined) {
      return {
        stageTotalEpochs: spec.stages.map((stage) =>
          this.profiles.get(stage.profile)?.totalEpochs(stage.config),
        ),
      };
    }
    if (spec.predict !== undefined) return {};
    const totalEpochs = this.profiles.get(spec.profile)?.totalEpochs(spec.config);
    return totalEpochs === undefined ? {} : { totalEpochs };
  }

  /** Follows a job that already runs (or ran) on the worker, from its first event. */
  async attach(jobId: string, transport: Transport = this.defaultTransport): Promise<JobSession> {
    const target = this.target(transport);
    const existing = target.sessions.get(jobId);
    if (existing !== undefined) return existing;
    const attached = await target.peer.request('job.attach', { jobId });
    const session = new JobSession({
      jobId,
      spec: attached.spec,
      link: this.sessionLink(target),
      workerName: target.name,
      scheduler: this.scheduler,
      ...this.epochTotals(attached.spec),
    });
    this.track(target, session);
    session.resync();
    return session;
  }

  /** Stops listening to every target; sessions keep their state but stop asking for events. */
  dispose(): void {
    for (const target of new Set(this.targets.values())) target.dispose();
    this.targets.clear();
  }

  private async runPipeline(
    target: WorkerTarget,
    session: JobSession,
    spec: JobSpec,
    uploads: Record<string, LocalFile>,
  ): Promise<void> {
    // Cancelled on the client while the pipeline ran (see abortLocally): stop quietly.
    const cancelled = () => session.getSnapshot().state === 'cancelled';
    const fail = (step: SubmitStep, error: JobError) =>
      session.setLocal({ state: 'failed', submitStep: step, error });
    let step: SubmitStep = 'validate-config';
    // Let the caller subscribe to the session it was just handed: it sees `queued` first.
    await Promise.resolve();
    if (cancelled()) return;
    try {
      session.setLocal({ state: 'validating', submitStep: step });
      const report = this.validateSpec(spec);
      if (report !== undefined) {
        session.setLocal({ warnings: report.issues.filter((i) => i.severity === 'warning') });
        if (!report.ok) {
          const errors = report.issues.filter((i) => i.severity === 'error');
          fail(step, {
            code: 'config_invalid',
            message: `the ${spec.profile} config has ${errors.length} error(s): ${formatFieldIssues(errors)}`,
            details: { issues: report.issues },
          });
          return;
        }
      }
      if (cancelled()) return;
      step = 'check-paths';
      session.setLocal({ submitStep: step });
      const named = specInputPaths(spec);
      const paths = Object.values(named);
      if (paths.length > 0) {
        const { results } = await target.peer.request('paths.check', {
          paths,
          findCandidates: true,
        });
        const resolution = createPathResolution(named, results);
        if (resolution.unresolved > 0) {
          const missing = resolution.entries.filter(
            (e) => e.status === 'missing' || e.status === 'denied',
          );
          fail(step, {
            code: 'paths_missing',
            message: `worker ${target.name} has no file ${missing.map((e) => e.clientPath).join(', ')}`,
            details: { resolution },
          });
          return;
        }
      }
      let finalSpec = spec;
      if (Object.keys(uploads).length > 0) {
        step = 'upload';
        session.setLocal({ state: 'uploading', submitStep: step });
        const uploaded: Record<string, string> = {};
        for (const [role, file] of Object.entries(uploads)) {
          if (cancelled()) return;
          uploaded[role] = await uploadFile(target.peer, file, {
            onProgress: (upload) => session.setLocal({ upload }),
            now: () => this.scheduler.now(),
          });
        }
        // A pipeline's job has no inputs of its own: an upload is every stage's input.
        finalSpec =
          spec.stages === undefined
            ? { ...spec, inputs: { ...spec.inputs, ...uploaded } }
            : {
                ...spec,
                stages: spec.stages.map((stage) => ({
                  ...stage,
                  inputs: { ...stage.inputs, ...uploaded },
                })),
              };
        session.setLocal({ spec: finalSpec });
      }
      if (cancelled()) return;
      step = 'start';
      session.setLocal({ state: 'starting', submitStep: step, upload: null });
      await target.peer.request('job.start', { jobId: session.jobId, spec: finalSpec });
      session.setLocal({ submitStep: null });
      session.resync();
    } catch (error) {
      if (cancelled()) return;
      const code = isTrainwireError(error) ? error.code : 'internal_error';
      const message = error instanceof Error ? error.message : String(error);
      const upload = session.getSnapshot().upload;
      if (step === 'upload' && upload !== null && !isRefusalCode(code)) {
        // The worker keeps what it received: the same submission resumes from there.
        const share = upload.total > 0 ? Math.floor((upload.bytes / upload.total) * 100) : 0;
        fail(step, {
          code,
          message: `the upload of ${upload.name} stopped at ${share} % (${message}); submit the same job again to resume it from there`,
          details: { resumable: true, file: upload.name, bytes: upload.bytes, total: upload.total },
        });
        return;
      }
      // A refusal's details travel on (dataset_exists names the dataset, config_invalid its issues).
      const details = isTrainwireError(error) ? error.details : undefined;
      fail(step, { code, message, ...(details === undefined ? {} : { details }) });
    }
  }

  private track(target: WorkerTarget, session: JobSession): void {
    target.add(session);
    this.jobs.next([...this.jobs.getValue(), session]);
    this.changed();
    const { jobId } = session;
    session.state$.subscribe({
      next: (state) => this.bus.emit('experiment.status', { jobId, state }),
      complete: () => {
        const snapshot = session.getSnapshot();
        target.removed();
        // Lost on this client: the job's end is not known, so nothing says it ended.
        if (!isFinalJobState(snapshot.state)) return;
        this.bus.emit('training.complete', { jobId, state: snapshot.state, error: snapshot.error });
        const model = snapshot.artifacts.findLast((a) => a.kind === 'model');
        if (snapshot.state === 'completed' && model !== undefined)
          this.bus.emit('model.activated', { jobId, artifact: model });
      },
    });
    session.events$.subscribe((event) => this.publish(session, event));
  }

  private publish(session: JobSession, event: JobEvent): void {
    if (event.type === 'artifact') {
      this.bus.emit('artifact.created', { jobId: event.jobId, artifact: event.artifact });
    } else if (event.type === 'progress' && event.progress.event === 'epoch_end') {
      this.bus.emit('training.progress', {
        jobId: event.jobId,
        epoch: event.progress.epoch,
        totalEpochs: session.getSnapshot().progress.totalEpochs,
        logs: event.progress.logs,
      });
    }
  }

  private target(transport: Transport): WorkerTarget {
    const known = this.targets.get(transport);
    if (known !== undefined) return known;
    const { options } = this;
    const target = new WorkerTarget(
      transport,
      {
        heartbeatIntervalMs: options.heartbeatIntervalMs ?? 5_000,
        heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 30_000,
        reconnectForMs: options.reconnectForMs ?? 600_000,
        reconnect: options.reconnect,
        scheduler: this.scheduler,
        rpc: {
          scheduler: this.scheduler,
          ...(options.requestTimeoutMs === undefined
            ? {}
            : { requestTimeoutMs: options.requestTimeoutMs }),
        },
      },
      // Calls that name the lost transport still reach the worker.
      (next) => this.targets.set(next, target),
    );
    this.targets.set(transport, target);
    return target;
  }

  /** The link a session of `target` talks through: stop and cancel end a job still on the client here. */
  private sessionLink(target: WorkerTarget): JobLink {
    return {
      fetchEvents: (jobId, afterSeq, untilSeq) =>
        target.link.fetchEvents(jobId, afterSeq, untilSeq),
      stop: async (jobId) => {
        if (this.abortLocally(target.sessions.get(jobId))) return;
        await target.link.stop(jobId);
      },
      cancel: async (jobId) => {
        if (this.abortLocally(target.sessions.get(jobId))) return;
        await target.link.cancel(jobId);
      },
    };
  }

  /** Cancels a job still on the client (before `job.start`); true if it was. */
  private abortLocally(session: JobSession | undefined): boolean {
    if (session === undefined) return false;
    const { state, lastSeq } = session.getSnapshot();
    // Before job.start nothing runs on the worker: the job simply ends here.
    const onClient =
      lastSeq === 0 && (state === 'queued' || state === 'validating' || state === 'uploading');
    if (!onClient) return false;
    session.setLocal({
      state: 'cancelled',
      error: { code: 'cancelled', message: 'cancelled before it reached the worker' },
    });
    return true;
  }

  private newJobId(): string {
    return newJobId(this.scheduler.now());
  }
}
