import { isFinalJobState, type WorkerEntry } from '@trainwire/core';
import { useEffect, useId, useState } from 'react';
import { ActiveJobStatus } from './internal/ActiveJobStatus.js';
import { formatMemory } from './internal/format.js';
import { useJobStates } from './internal/useJobStates.js';
import { useWorkerDirectory } from './internal/useWorkerDirectory.js';
import { useJobs } from './useJobs.js';
import { useWorkers } from './useWorkers.js';
import type { WorkerDirectoryStore } from './WorkerDirectoryStore.js';
import { WorkerSetupGuide, type WorkerSetupGuideProps } from './WorkerSetupGuide.js';

/** Which worker Run should use. */
export interface WorkerChoice {
  /** `auto`: the directory's best available worker; `chosen`: the one the user picked. */
  mode: 'auto' | 'chosen';
  worker: WorkerEntry;
}

/** Props of {@link RemoteTrainingPanel}. */
export interface RemoteTrainingPanelProps {
  /** Submits the job on the chosen worker (the host builds the spec and the connection). */
  onRun: (choice: WorkerChoice) => void;
  /** The room's workers; the provider's by default. */
  directory?: WorkerDirectoryStore;
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
 * The remote-training section of a host's training dialog: the worker — "Auto-select best
 * available" or a chosen one, with its name, GPU, memory, status and key — a Refresh button,
 * the state of the listing and of the running job's link, and Run, disabled while a remote
 * job is active (saying why). With no workers in the room it shows the {@link WorkerSetupGuide}.
 *
 * @example
 * ```tsx
 * <TrainwireProvider manager={manager} directory={directory}>
 *   <RemoteTrainingPanel onRun={({ worker }) => startOn(worker)} />
 * </TrainwireProvider>
 * ```
 */
export function RemoteTrainingPanel({
  onRun,
  directory,
  minGpuMemoryMiB,
  setup,
}: RemoteTrainingPanelProps) {
  const store = useWorkerDirectory(directory);
  const listing = useWorkers(store);
  const { jobs, canSubmit } = useJobs();
  const states = useJobStates(jobs);
  const [mode, setMode] = useState<'auto' | 'chosen'>('auto');
  const [chosenId, setChosenId] = useState<string | null>(null);
  const [refreshError, setRefreshError] = useState<string | null>(null);
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
  const best = store.best(minGpuMemoryMiB);
  const chosen =
    workers.find((w) => w.id === chosenId) ?? workers.find((w) => w.status === 'available');
  const worker = mode === 'auto' ? best : chosen;
  const activeIndex = states.findLastIndex((state) => !isFinalJobState(state));
  const active = activeIndex >= 0 ? jobs[activeIndex] : undefined;

  let reason: string | null = null;
  if (!canSubmit)
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
      {active === undefined ? null : <ActiveJobStatus session={active} />}
      <button
        type="button"
        disabled={reason !== null}
        aria-describedby={reason === null ? undefined : reasonId}
        onClick={() => {
          if (worker !== undefined) onRun({ mode, worker });
        }}
      >
        Run
      </button>
      {reason === null ? null : (
        <p id={reasonId} className="tw-run-reason">
          {reason}
        </p>
      )}
      {status === 'ready' && workers.length === 0 ? <WorkerSetupGuide {...setup} /> : null}
    </section>
  );
}
