import {
  chooseWorker,
  isFinalJobState,
  type JobSession,
  type JobSpecInput,
  type LocalFile,
  type Transport,
  type WorkerEntry,
} from '@trainwire/core';
import { useContext, useEffect, useId, useRef, useState } from 'react';
import { ActiveJobStatus } from './internal/ActiveJobStatus.js';
import { formatMemory } from './internal/format.js';
import { LinkStatus } from './internal/LinkStatus.js';
import { RoomPicker } from './internal/RoomPicker.js';
import { TrainwireContext } from './internal/TrainwireContext.js';
import { useJobStates } from './internal/useJobStates.js';
import { useWorkerDirectory } from './internal/useWorkerDirectory.js';
import type { RoomDirectoryStore } from './RoomDirectoryStore.js';
import { SubmitFlowDialogs } from './SubmitFlowDialogs.js';
import type { ConnectionStore } from './useConnection.js';
import { useJobs } from './useJobs.js';
import { type SubmitFlowControls, useSubmitFlow } from './useSubmitFlow.js';
import { useWorkers } from './useWorkers.js';
import type { WorkerDirectoryStore } from './WorkerDirectoryStore.js';
import { WorkerSetupGuide, type WorkerSetupGuideProps } from './WorkerSetupGuide.js';

/** Which worker Run should use. */
export interface WorkerChoice {
  /** `auto`: the directory's best available worker; `chosen`: the one the user picked. */
  mode: 'auto' | 'chosen';
  worker: WorkerEntry;
}

/** The job Run submits on the chosen worker, as the host builds it. */
export interface PreparedRun {
  spec: JobSpecInput;
  /** The link to the chosen worker; the manager's default one otherwise. */
  transport?: Transport;
  /** Client files to upload, by input role. */
  uploads?: Record<string, LocalFile>;
}

/** Props of {@link RemoteTrainingPanel}. */
export interface RemoteTrainingPanelProps {
  /**
   * Builds the job for the chosen worker (the host's form, its link to the worker); Run then
   * submits it through core's `SubmitFlow` — the CLI's `train` loop — with the path and
   * validation dialogs as the flow's hooks. A rejection is shown under Run.
   */
  prepare?: (choice: WorkerChoice) => Promise<PreparedRun> | PreparedRun;
  /** Each attempt's session as soon as it exists (a monitor follows it). */
  onSession?: (session: JobSession, choice: WorkerChoice) => void;
  /** The submission to run through (a host that shows its phase holds it); the panel's own otherwise. */
  submission?: SubmitFlowControls;
  /** Instead of `prepare`: Run hands the choice to the host, which submits by itself. */
  onRun?: (choice: WorkerChoice) => void;
  /** The room's workers; the provider's by default. */
  directory?: WorkerDirectoryStore;
  /** The rooms to choose from (the provider's by default); without any, no room picker. */
  rooms?: RoomDirectoryStore;
  /** The link to the worker Run last used (core's `ConnectionStatus`), shown as a status line. */
  connection?: ConnectionStore;
  /** Least GPU memory "Auto-select best available" accepts. */
  minGpuMemoryMiB?: number;
  /** What the setup guide says when the room has no workers (URL, room, docs link). */
  setup?: WorkerSetupGuideProps;
}

function describeWorker(worker: WorkerEntry): string {
  const gpu =
    worker.gpuModel === null
      ? 'no GPU'
      : `${worker.gpuModel}, ${formatMemory(worker.gpuMemoryMiB)}`;
  return `${worker.name} (${gpu}) — ${worker.status}`;
}

/**
 * The remote-training section of a host's training dialog: the room (when a room
 * directory is given), the worker — "Auto-select best available" (core's `chooseWorker`,
 * the CLI's `--auto-select`) or a chosen one, with its name, GPU, memory, status and key — a Refresh button,
 * the state of the listing and of the running job's link, and Run, disabled while a remote
 * job is active (saying why). Run submits through core's `SubmitFlow` (see `prepare`), its
 * path and validation dialogs plugged in as the flow's hooks ({@link SubmitFlowDialogs}).
 * With no workers in the room it shows the {@link WorkerSetupGuide}.
 *
 * @example
 * ```tsx
 * <TrainwireProvider manager={manager} directory={directory}>
 *   <RemoteTrainingPanel
 *     prepare={async ({ worker }) => ({ spec, transport: await connect(worker) })}
 *     onSession={(session) => setSession(session)}
 *   />
 * </TrainwireProvider>
 * ```
 */
export function RemoteTrainingPanel({
  prepare,
  onSession,
  submission: given,
  onRun,
  connection,
  directory,
  rooms,
  minGpuMemoryMiB,
  setup,
}: RemoteTrainingPanelProps) {
  const store = useWorkerDirectory(directory);
  const context = useContext(TrainwireContext);
  const roomStore = rooms ?? context?.rooms;
  const listing = useWorkers(store);
  const { jobs, canSubmit } = useJobs();
  const states = useJobStates(jobs);
  const [mode, setMode] = useState<'auto' | 'chosen'>('auto');
  const [chosenId, setChosenId] = useState<string | null>(null);
  const [refreshError, setRefreshError] = useState<string | null>(null);
  const [runError, setRunError] = useState<string | null>(null);
  const own = useSubmitFlow();
  const submission = given ?? own;
  const titleId = useId();
  const reasonId = useId();

  const refresh = () => {
    setRefreshError(null);
    // Core's directory never rejects (a failure is its `failed` state); another store might.
    store.refresh().catch((error: unknown) => {
      setRefreshError(error instanceof Error ? error.message : String(error));
    });
  };
  // The first listing when the panel opens; afterwards only Refresh lists again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per directory.
  useEffect(() => {
    if (store.getSnapshot().status === 'idle') refresh();
  }, [store]);

  const { workers, status } = listing;
  // Core's rule, as the CLI's --auto-select applies it.
  const auto = chooseWorker(workers, {
    autoSelect: true,
    ...(minGpuMemoryMiB === undefined ? {} : { minGpuMemoryMiB }),
  });
  const best = auto.kind === 'chosen' ? auto.worker : undefined;
  const chosen =
    workers.find((w) => w.id === chosenId) ??
    workers.find((w) => w.status === 'available') ??
    workers[0];
  const worker = mode === 'auto' ? best : chosen;
  const activeIndex = states.findLastIndex((state) => !isFinalJobState(state));
  const active = activeIndex >= 0 ? jobs[activeIndex] : undefined;
  // A job that just ended freed its worker: list again, or the row would say "busy" until
  // the next Refresh.
  const hadActive = useRef(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: on the transition only.
  useEffect(() => {
    if (hadActive.current && active === undefined) refresh();
    hadActive.current = active !== undefined;
  }, [active]);

  const phase = submission.snapshot?.phase;
  const submitting =
    phase === 'submitting' || phase === 'fixing-paths' || phase === 'acknowledging-warnings';
  let reason: string | null = null;
  if (submitting) reason = 'Submitting the job…';
  else if (!canSubmit)
    reason =
      'A remote job is already running; wait for it to finish, or stop it, before starting another.';
  else if (status === 'loading' && workers.length === 0) reason = 'Looking for workers…';
  else if (worker === undefined)
    reason =
      mode === 'auto'
        ? 'No worker is available now; start one or press Refresh.'
        : 'Choose a worker first.';
  else if (worker.status !== 'available')
    reason = `Worker ${worker.name} is ${worker.status}; choose an available one or wait.`;

  return (
    <section className="tw-remote-panel" aria-labelledby={titleId}>
      <h2 id={titleId}>Remote Training</h2>
      {roomStore === undefined ? null : <RoomPicker store={roomStore} />}
      <fieldset>
        <legend>Worker Selection</legend>
        <button type="button" onClick={refresh} disabled={status === 'loading'}>
          Refresh
        </button>
        <div>
          <label>
            <input
              type="radio"
              name={`${titleId}-mode`}
              value="auto"
              checked={mode === 'auto'}
              onChange={() => setMode('auto')}
            />{' '}
            Auto-select best available
          </label>
          {mode === 'auto' && best !== undefined ? (
            <span className="tw-auto-pick"> → {describeWorker(best)}</span>
          ) : null}
        </div>
        <div>
          <label>
            <input
              type="radio"
              name={`${titleId}-mode`}
              value="chosen"
              checked={mode === 'chosen'}
              onChange={() => setMode('chosen')}
            />{' '}
            Choose worker:
          </label>{' '}
          <select
            aria-label="Worker"
            disabled={mode !== 'chosen' || workers.length === 0}
            value={chosen?.id ?? ''}
            onChange={(event) => setChosenId(event.target.value)}
          >
            {workers.map((w) => (
              <option key={w.id} value={w.id} disabled={w.status !== 'available'}>
                {describeWorker(w)}
              </option>
            ))}
          </select>
        </div>
      </fieldset>
      {worker === undefined ? null : (
        <section className="tw-worker-details" aria-label="Selected worker">
          <dl>
            <div>
              <dt>Name</dt>
              <dd>{worker.name}</dd>
            </div>
            <div>
              <dt>GPU</dt>
              <dd>{worker.gpuModel ?? 'Not detected'}</dd>
            </div>
            <div>
              <dt>Memory</dt>
              <dd>{worker.gpuModel === null ? '—' : formatMemory(worker.gpuMemoryMiB)}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>{worker.status}</dd>
            </div>
            <div>
              <dt>Key</dt>
              <dd>{worker.keyId ?? '—'}</dd>
            </div>
          </dl>
        </section>
      )}
      <p role="status" className="tw-listing">
        {status === 'loading'
          ? 'Looking for workers…'
          : status === 'ready'
            ? `${workers.length} worker${workers.length === 1 ? '' : 's'} in the room.`
            : status === 'idle'
              ? 'Workers not listed yet.'
              : ''}
      </p>
      {status === 'failed' || refreshError !== null ? (
        <p role="alert">{listing.error ?? `Could not list the workers: ${refreshError}`}</p>
      ) : null}
      {connection === undefined ? null : <LinkStatus connection={connection} />}
      {active === undefined ? null : <ActiveJobStatus session={active} />}
      <button
        type="button"
        disabled={reason !== null}
        aria-describedby={reason === null ? undefined : reasonId}
        onClick={() => {
          if (worker === undefined) return;
          const choice: WorkerChoice = { mode, worker };
          setRunError(null);
          onRun?.(choice);
          if (prepare === undefined) return;
          Promise.resolve()
            .then(() => prepare(choice))
            .then(({ spec, transport, uploads }) =>
              submission.submit(spec, {
                ...(transport === undefined ? {} : { transport }),
                ...(uploads === undefined ? {} : { uploads }),
                ...(onSession === undefined ? {} : { onSession: (s) => onSession(s, choice) }),
              }),
            )
            .catch((error: unknown) =>
              setRunError(error instanceof Error ? error.message : String(error)),
            );
        }}
      >
        Run
      </button>
      {reason === null ? null : (
        <p id={reasonId} className="tw-run-reason">
          {reason}
        </p>
      )}
      {runError === null ? null : (
        <p role="alert" className="tw-run-error">
          {runError}
        </p>
      )}
      <SubmitFlowDialogs submission={submission} />
      {status === 'ready' && workers.length === 0 ? <WorkerSetupGuide {...setup} /> : null}
    </section>
  );
}
