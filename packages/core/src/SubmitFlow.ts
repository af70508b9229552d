import type { Observable } from 'rxjs';
import { failedBeforeStart } from './describeOutcome.js';
import { detailsOf } from './errorDetails.js';
import { SnapshotStore } from './internal/SnapshotStore.js';
import type { JobManager } from './JobManager.js';
import type { JobSession } from './JobSession.js';
import type { LocalFile } from './LocalFile.js';
import type { PathResolution } from './paths/PathResolution.js';
import type { JobError } from './schemas/JobEvent.js';
import type { JobSpecInput } from './schemas/JobSpec.js';
import { isFinalJobState } from './schemas/JobState.js';
import type { Transport } from './Transport.js';
import type { ConfigIssue } from './validation/ConfigProfile.js';
import { whenSnapshot } from './whenSnapshot.js';

/**
 * Where a {@link SubmitFlow} is: `submitting` (the pipeline runs: validate, check paths,
 * upload, start); waiting for the view — `fixing-paths` (the worker lacks inputs),
 * `acknowledging-warnings` (the config has warnings); or settled — `started` (the job
 * reached the worker: follow `session`), `refused` (it never ran: `error` says why),
 * `declined` (the user did not acknowledge the warnings; nothing was submitted).
 */
export type SubmitPhase =
  | 'submitting'
  | 'fixing-paths'
  | 'acknowledging-warnings'
  | 'started'
  | 'refused'
  | 'declined';

/** What a {@link SubmitFlow} shows. */
export interface SubmitFlowSnapshot {
  phase: SubmitPhase;
  /** The spec of the latest attempt (its inputs fixed by the path dialog). */
  spec: JobSpecInput;
  /** The latest attempt's session; null before the first, or when `submit` threw. */
  session: JobSession | null;
  /** Submissions so far (one more after each path fix). */
  attempts: number;
  /** The config's warnings (from the client's profile, or the worker's answer). */
  warnings: readonly ConfigIssue[];
  /** The inputs the worker lacks, with candidates: while `fixing-paths`, and when refused for them. */
  resolution: PathResolution | null;
  /** Why it never ran, once `refused`; null otherwise. */
  error: JobError | null;
  /** When refused by a busy worker: the jobs it runs now (when it said); null otherwise. */
  blockingJobs: readonly string[] | null;
}

/**
 * Where a view plugs its dialogs into a {@link SubmitFlow}: each is asked, and awaited, at
 * its step. A hook left out ends the flow at that step (`refused` with `paths_missing`;
 * warnings are not asked about at all).
 */
export interface SubmitFlowHooks {
  /**
   * The worker lacks inputs: resolve with the fixed inputs (role → path on the worker;
   * `resolvedInputs(resolution)` after the fixes) to submit again, or undefined to stop.
   */
  fixPaths?: (
    resolution: PathResolution,
    session: JobSession,
  ) => Promise<Record<string, string> | undefined>;
  /** The config has warnings and no errors: resolve true to submit, false to stop. */
  acknowledgeWarnings?: (warnings: readonly ConfigIssue[]) => Promise<boolean>;
}

/** Options of a {@link SubmitFlow}. */
export interface SubmitFlowOptions extends SubmitFlowHooks {
  /** Client files to upload, by input role (the worker skips those it has). */
  uploads?: Record<string, LocalFile>;
  /** The worker's link; the manager's default one otherwise. */
  transport?: Transport;
  /** Sees each attempt's session as soon as it exists, before any of its events (NDJSON, a log view). */
  onSession?: (session: JobSession) => void;
}

/**
 * One submission as a user makes it, from the CLI's `train` or the panel's Run: submit →
 * (the worker lacks inputs → the view fixes them → submit again)… → started, or refused
 * with the reason. Warnings can be acknowledged first. Its progress is a snapshot
 * (`getSnapshot()` + `subscribe()`, `state$`); `done` resolves once it settles.
 *
 * @example
 * ```ts
 * const flow = new SubmitFlow(manager, spec, {
 *   fixPaths: (resolution) => openPathDialog(resolution), // resolves with the fixed inputs
 * });
 * const { phase, session } = await flow.done;
 * if (phase === 'started') await session!.done;
 * ```
 */
export class SubmitFlow {
  /** The snapshot, replayed to new subscribers; completes once settled. */
  readonly state$: Observable<SubmitFlowSnapshot>;
  /** Resolves with the settled snapshot; rejects when `manager.submit` throws (a malformed spec, a full worker). */
  readonly done: Promise<SubmitFlowSnapshot>;
  /** The current snapshot; the same object until something changes. */
  readonly getSnapshot: () => SubmitFlowSnapshot;
  /** Calls `listener` after each change; returns unsubscribe. */
  readonly subscribe: (listener: () => void) => () => void;
  private readonly state: SnapshotStore<SubmitFlowSnapshot>;

  constructor(
    private readonly manager: JobManager,
    spec: JobSpecInput,
    private readonly options: SubmitFlowOptions = {},
  ) {
    this.state = new SnapshotStore<SubmitFlowSnapshot>({
      phase: 'submitting',
      spec,
      session: null,
      attempts: 0,
      warnings: [],
      resolution: null,
      error: null,
      blockingJobs: null,
    });
    ({
      state$: this.state$,
      getSnapshot: this.getSnapshot,
      subscribe: this.subscribe,
    } = this.state);
    this.done = this.run(spec);
    this.done.then(
      () => this.state.complete(),
      () => this.state.complete(),
    );
  }

  private set(change: Partial<SubmitFlowSnapshot>): SubmitFlowSnapshot {
    return this.state.set({ ...this.state.getSnapshot(), ...change });
  }

  private async run(first: JobSpecInput): Promise<SubmitFlowSnapshot> {
    const { fixPaths, acknowledgeWarnings } = this.options;
    if (acknowledgeWarnings !== undefined) {
      const report = this.manager.validate(first);
      const warnings = report?.issues.filter((i) => i.severity === 'warning') ?? [];
      if (report?.ok === true && warnings.length > 0) {
        this.set({ phase: 'acknowledging-warnings', warnings });
        if (!(await acknowledgeWarnings(warnings))) return this.set({ phase: 'declined' });
        this.set({ phase: 'submitting' });
      }
    }
    let spec = first;
    for (;;) {
      const session = this.submit(spec);
      const settled = await untilStartedOrFailed(session);
      const snapshot = session.getSnapshot();
      if (settled !== 'paths_missing') {
        if (!failedBeforeStart(snapshot)) return this.set({ phase: 'started' });
        return this.refuse(session);
      }
      const resolution = detailsOf(snapshot.error, 'paths_missing')?.resolution;
      if (resolution === undefined || fixPaths === undefined) return this.refuse(session);
      this.set({ phase: 'fixing-paths', resolution });
      const fixed = await fixPaths(resolution, session);
      if (fixed === undefined) return this.refuse(session);
      spec = { ...spec, inputs: fixed };
      this.set({ phase: 'submitting', spec, resolution: null });
    }
  }

  private submit(spec: JobSpecInput): JobSession {
    const { transport, uploads } = this.options;
    let session: JobSession;
    try {
      session = this.manager.submit(spec, {
        ...(transport === undefined ? {} : { transport }),
        ...(uploads === undefined ? {} : { uploads }),
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      this.set({
        phase: 'refused',
        session: null,
        error: {
          code: typeof code === 'string' ? code : 'internal_error',
          message: error instanceof Error ? error.message : String(error),
        },
      });
      throw error;
    }
    this.set({ session, spec, attempts: this.state.getSnapshot().attempts + 1 });
    this.options.onSession?.(session);
    return session;
  }

  private async refuse(session: JobSession): Promise<SubmitFlowSnapshot> {
    const snapshot = session.getSnapshot();
    const error = snapshot.error ?? { code: 'internal_error', message: 'the job was refused' };
    // A busy worker: name the jobs in the way, so the view can offer to stop one.
    const blockingJobs =
      error.code === 'worker_busy'
        ? await this.manager
            .peerFor(this.options.transport)
            .request('job.list', {})
            .then(({ jobs }) => jobs.filter((j) => !isFinalJobState(j.state)).map((j) => j.jobId))
            .catch(() => null)
        : null;
    return this.set({
      phase: 'refused',
      error,
      warnings: snapshot.warnings,
      resolution: detailsOf(error, 'paths_missing')?.resolution ?? null,
      blockingJobs,
    });
  }
}

/** Settles once the job reached the worker, or failed before it did. */
function untilStartedOrFailed(
  session: JobSession,
): Promise<'started' | 'paths_missing' | 'failed'> {
  return whenSnapshot(session, ({ state, submitStep, error }) => {
    if (state === 'failed') return error?.code === 'paths_missing' ? 'paths_missing' : 'failed';
    if (isFinalJobState(state) || (submitStep === null && state !== 'queued')) return 'started';
    return undefined;
  });
}
