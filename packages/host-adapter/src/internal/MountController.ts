import { BehaviorSubject } from 'rxjs';
import { HostAdapterError } from '../errors.js';
import type { Importer } from '../Importer.js';
import { HOST_ADAPTER_API_VERSION } from '../isCompatibleVersion.js';
import type { MountHandle, MountOptions, MountState, MountStatus } from '../mount.js';
import { bundlerHint } from './bundlerHint.js';
import { defaultImporter } from './defaultImporter.js';
import { describeError } from './loadPackage.js';
import { loadPanel, type PanelLoad, type PanelModules } from './loadPanel.js';

/** What `mount()` runs: follows the flag, loads the panel once, renders and removes it. */
export class MountController {
  private readonly subject: BehaviorSubject<MountStatus>;
  private readonly listeners = new Set<() => void>();
  private readonly importer: Importer;
  private readonly hint: string | undefined;
  private root: ReturnType<PanelModules['createRoot']> | undefined;
  private modules: Promise<PanelLoad> | undefined;
  private lastOn: boolean | undefined;
  // Bumped by every flag change and by unmount(): a load that finishes late sees it moved on.
  private generation = 0;
  private done = false;
  private readonly stopFollowing: () => void;

  constructor(
    private readonly element: Element,
    private readonly options: MountOptions,
  ) {
    this.importer = options?.importer ?? defaultImporter;
    this.hint = bundlerHint(options?.importer);
    this.subject = new BehaviorSubject<MountStatus>(status('loading', 'Loading the panel'));
    const misuse = checkArguments(element, options);
    if (misuse !== undefined) {
      this.subject.next(status('unavailable', misuse.message, misuse));
      this.stopFollowing = () => undefined;
      return;
    }
    let stop: () => void = () => undefined;
    try {
      stop = options.flag.subscribe(() => this.follow());
      this.follow();
    } catch (error) {
      this.fail(error);
    }
    this.stopFollowing = stop;
  }

  handle(): MountHandle {
    const subject = this.subject;
    return {
      status$: subject.asObservable(),
      get status() {
        return subject.getValue();
      },
      getSnapshot: () => subject.getValue(),
      subscribe: (listener) => {
        this.listeners.add(listener);
        return () => {
          this.listeners.delete(listener);
        };
      },
      unmount: () => this.unmount(),
    };
  }

  private follow(): void {
    if (this.done) return;
    let on: boolean;
    try {
      on = this.options.flag.getSnapshot();
    } catch (error) {
      this.fail(error);
      return;
    }
    if (on === this.lastOn) {
      // The flag's explanation may have changed (another reason it is off).
      if (!on) this.setStatus(status('flag-off', this.flagReason()));
      return;
    }
    this.lastOn = on;
    const generation = ++this.generation;
    if (!on) {
      this.removePanel();
      this.setStatus(status('flag-off', this.flagReason()));
      return;
    }
    this.setStatus(status('loading', 'Loading the remote-training panel'));
    this.modules ??= loadPanel(this.importer, HOST_ADAPTER_API_VERSION, this.hint);
    const loading = this.modules;
    void loading.then((loaded) => {
      if (!loaded.ok && this.modules === loading) {
        // Try again on the next turn on: the host may have installed it meanwhile.
        this.modules = undefined;
      }
      if (this.done || generation !== this.generation) return;
      if (!loaded.ok) {
        this.setStatus(status('unavailable', loaded.problem.message, loaded.problem));
        return;
      }
      this.render(loaded.modules);
    });
  }

  private render(modules: PanelModules): void {
    const { createElement, createRoot, flushSync } = modules;
    let root: ReturnType<PanelModules['createRoot']> | undefined;
    let crash: { error: unknown } | undefined;
    try {
      root = createRoot(this.element, {
        onUncaughtError: (error) => {
          if (this.root !== root) return;
          crash = { error };
          // React is still unwinding; take the root down after it.
          queueMicrotask(() => {
            if (this.root === root) this.crashed(error);
          });
        },
      });
      this.root = root;
      const tree = createElement(
        modules.TrainwireProvider,
        {
          ...this.options.providerProps,
          manager: this.options.manager,
          directory: this.options.directory,
        },
        createElement(modules.RemoteTrainingPanel, {
          ...this.options.panelProps,
          onRun: this.options.onRun,
        }),
      );
      const mounted = root;
      // Synchronously, so `mounted` means the panel is in the element.
      flushSync(() => mounted.render(tree));
    } catch (error) {
      if (root !== undefined) this.root = root;
      this.crashed(error);
      return;
    }
    if (crash === undefined && this.root === root) {
      this.setStatus(status('mounted', 'The remote-training panel is shown'));
    }
  }

  private crashed(error: unknown): void {
    if (this.done) return;
    this.removePanel();
    this.element.replaceChildren();
    const problem = new HostAdapterError(
      'panel_failed',
      `The remote-training panel stopped with an error (${describeError(error)}); turn experimental features off and on to try again`,
      { cause: error },
    );
    this.setStatus(status('unavailable', problem.message, problem));
  }

  private fail(error: unknown): void {
    const problem = new HostAdapterError(
      'bad_mount_arguments',
      `the experimental flag given to mount() failed (${describeError(error)}), so the panel is not shown`,
      { cause: error },
    );
    this.setStatus(status('unavailable', problem.message, problem));
  }

  private removePanel(): void {
    const root = this.root;
    this.root = undefined;
    if (root !== undefined) {
      try {
        root.unmount();
      } catch {
        // The element is emptied below in any case.
      }
    }
    if (root !== undefined || this.done) this.element.replaceChildren();
  }

  private unmount(): void {
    if (this.done) return;
    this.done = true;
    this.generation++;
    this.stopFollowing();
    if (isElement(this.element)) this.removePanel();
    this.setStatus(status('unmounted', 'The panel was removed (unmount() was called)'));
    this.listeners.clear();
    this.subject.complete();
  }

  private flagReason(): string {
    try {
      const reason = this.options.flag.getInfo?.().reason;
      if (typeof reason === 'string' && reason !== '') return reason;
    } catch {
      // Fall back to the plain reason.
    }
    return 'Experimental features are off; turn them on in settings';
  }

  private setStatus(next: MountStatus): void {
    if (this.subject.closed) return;
    const current = this.subject.getValue();
    if (
      current.state === next.state &&
      current.reason === next.reason &&
      current.problem === next.problem
    ) {
      return;
    }
    this.subject.next(next);
    for (const listener of [...this.listeners]) listener();
  }
}

function status(state: MountState, reason: string, problem?: HostAdapterError): MountStatus {
  return { state, reason, problem };
}

function isElement(value: unknown): value is Element {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Element).replaceChildren === 'function'
  );
}

/** A host calling from plain JavaScript may pass anything: say what is wrong instead of throwing. */
function checkArguments(element: unknown, options: unknown): HostAdapterError | undefined {
  const problem = (what: string) =>
    new HostAdapterError('bad_mount_arguments', `mount() ${what}, so the panel is not shown`);
  if (!isElement(element)) return problem('needs a DOM element to render into');
  if (typeof options !== 'object' || options === null) return problem('needs options');
  const { flag, manager, directory } = options as Partial<MountOptions>;
  if (typeof flag?.getSnapshot !== 'function' || typeof flag.subscribe !== 'function') {
    return problem('needs options.flag (an ExperimentalFlag)');
  }
  if (typeof manager !== 'object' || manager === null) {
    return problem('needs options.manager (a JobManager from @trainwire/core)');
  }
  if (typeof directory !== 'object' || directory === null) {
    return problem('needs options.directory (a WorkerDirectory from @trainwire/core)');
  }
  return undefined;
}
