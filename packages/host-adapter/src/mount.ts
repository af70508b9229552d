import type { JobManager, WorkerDirectory, WorkerEntry } from '@trainwire/core';
import type { Observable } from 'rxjs';
import type { HostAdapterError } from './errors.js';
import type { Importer } from './Importer.js';
import { MountController } from './internal/MountController.js';

/**
 * Where a mounted panel stands: `loading` (React and ui-react are being loaded), `mounted`
 * (the panel is in the element), `flag-off` (experimental features are off),
 * `unavailable` (a package is missing or incompatible, or the panel failed) or `unmounted`
 * (after {@link MountHandle.unmount}).
 */
export type MountState = 'loading' | 'mounted' | 'flag-off' | 'unavailable' | 'unmounted';

/** A mount's state and why; the same object until it changes. */
export interface MountStatus {
  readonly state: MountState;
  /** A sentence the host can show ("@trainwire/ui-react is not installed: npm install @trainwire/ui-react"). */
  readonly reason: string;
  /** When `unavailable`: the problem as a value with a `code`, the original error as `cause`. */
  readonly problem: HostAdapterError | undefined;
}

/** The flag a mount follows: an {@link ExperimentalFlag}, or any store with the same two members. */
export interface MountFlag {
  getSnapshot(): boolean;
  subscribe(listener: () => void): () => void;
  /** Used for the `flag-off` reason when present (an {@link ExperimentalFlag} has it). */
  getInfo?(): { readonly reason: string };
}

/** The worker the user ran on, as ui-react's `RemoteTrainingPanel` hands it to `onRun`. */
export interface MountWorkerChoice {
  /** `auto`: the directory's best available worker; `chosen`: the one the user picked. */
  readonly mode: 'auto' | 'chosen';
  readonly worker: WorkerEntry;
}

/** What {@link mount} renders, and with what. */
export interface MountOptions {
  /** The experimental flag; the panel is shown while it is on. */
  flag: MountFlag;
  /** The job manager the panel lists jobs from (`@trainwire/core`; the provider's `manager`). */
  manager: JobManager;
  /** The room's workers the panel lists and picks from (`@trainwire/core`; the provider's `directory`). */
  directory: WorkerDirectory;
  /**
   * Called when the user presses Run, with the worker to run on. To have Run submit through
   * core's `SubmitFlow` (the CLI's `train` loop, with the path and validation dialogs), pass
   * `panelProps: { prepare, onSession }` as well: `prepare(choice)` returns the spec and the
   * transport, and `onRun` only hears of the choice.
   */
  onRun: (choice: MountWorkerChoice) => void;
  /** Loads React, react-dom and ui-react; a plain dynamic `import()` by default (see {@link Importer}). */
  importer?: Importer;
  /** More props for ui-react's `RemoteTrainingPanel` (`prepare`, `onSession`, `connection`, `minGpuMemoryMiB`, `setup`). */
  panelProps?: Readonly<Record<string, unknown>>;
  /** More props for ui-react's `TrainwireProvider`. */
  providerProps?: Readonly<Record<string, unknown>>;
}

/** A mount: its status as an observable and as a snapshot, and the way to remove it. */
export interface MountHandle {
  /** The status now, then each change; completes after {@link MountHandle.unmount}. */
  readonly status$: Observable<MountStatus>;
  /** The status now (the same as `getSnapshot()`). */
  readonly status: MountStatus;
  /** The status now; the same object until it changes. */
  getSnapshot(): MountStatus;
  /** Calls `listener` after each status change; returns unsubscribe. */
  subscribe(listener: () => void): () => void;
  /** Removes the panel, leaves the element empty and stops following the flag. */
  unmount(): void;
}

/**
 * Shows trainwire's remote-training panel (ui-react's `RemoteTrainingPanel` inside its
 * `TrainwireProvider`) in `element`, for hosts that are not written in React. It follows
 * the flag: the panel appears when the flag turns on and is removed — the element left
 * empty — when it turns off, without a reload. React, react-dom and ui-react are loaded
 * only then, by dynamic import; when one is missing or does not fit, nothing is rendered
 * and the status says why. It never throws into the host.
 *
 * While the panel is shown, the element belongs to it; put the host's own content beside it.
 *
 * @example
 * ```ts
 * const flag = await ExperimentalFlag.open();
 * const handle = mount(document.getElementById('trainwire')!, {
 *   flag,
 *   manager, // a JobManager (registerCore + the host's transport)
 *   directory, // the room's WorkerDirectory
 *   onRun: ({ worker }) => startTraining(worker),
 * });
 * handle.subscribe(() => {
 *   const { state, reason } = handle.getSnapshot();
 *   statusLine.textContent = state === 'mounted' ? '' : reason;
 * });
 * ```
 */
export function mount(element: Element, options: MountOptions): MountHandle {
  return new MountController(element, options).handle();
}
