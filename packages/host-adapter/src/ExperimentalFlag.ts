import { isTrainwireError } from '@trainwire/core';
import { BehaviorSubject, distinctUntilChanged, map, type Observable } from 'rxjs';
import { HostAdapterError } from './errors.js';
import { defaultPrefsStorage } from './internal/defaultPrefsStorage.js';
import { formatPrefsDocument, parsePrefsDocument } from './internal/prefsDocument.js';
import { type EnvOverride, readEnvOverride } from './internal/readEnvOverride.js';
import { processEnv } from './internal/runtime.js';
import { MemoryPrefsStorage } from './MemoryPrefsStorage.js';
import type { PrefsStorage } from './PrefsStorage.js';

/** How {@link ExperimentalFlag.open} finds the flag. */
export interface ExperimentalFlagOptions {
  /**
   * Where the setting is saved. Chosen automatically when omitted: the user's prefs file
   * under Node ({@link FilePrefsStorage.forUser}), else the page's localStorage
   * ({@link LocalStoragePrefsStorage}), else memory.
   */
  storage?: PrefsStorage;
  /** The localStorage key the automatic choice uses in a browser. Default `trainwire.prefs`. */
  localStorageKey?: string;
  /** The environment variable that overrides the saved setting (`1` on, `0` off). Default `TRAINWIRE_EXPERIMENTAL`. */
  envVar?: string;
  /** The environment it is read from (and `TRAINWIRE_HOME`, `XDG_CONFIG_HOME`); `process.env` under Node, none in a browser. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** What decides the flag: nothing (off), the saved setting, or the environment variable. */
export type ExperimentalFlagSource = 'default' | 'saved' | 'env';

/** The flag with its explanation; the same object until something changes. */
export interface ExperimentalFlagInfo {
  /** Whether experimental features are on. */
  readonly on: boolean;
  /** What decided `on`. */
  readonly source: ExperimentalFlagSource;
  /** The saved setting (or the one `set()` chose this run), undefined when there is none. */
  readonly saved: boolean | undefined;
  /** The environment variable that overrides the saved setting, when one does. */
  readonly override: { readonly name: string; readonly value: string } | undefined;
  /** Where the setting is saved, in words. */
  readonly storage: string;
  /** A sentence the host can show: why the flag is what it is, and how to change it. */
  readonly reason: string;
  /** What went wrong reading or saving the setting, or with the environment variable. */
  readonly problem: HostAdapterError | undefined;
}

/**
 * The host's "experimental features" switch for trainwire: off by default, saved between
 * runs (a prefs file under Node, localStorage in a browser), overridden by
 * `TRAINWIRE_EXPERIMENTAL=1|0`, and changed at run time with {@link ExperimentalFlag.set}
 * — a host's own settings switch calls it, and everything following the flag (`mount()`,
 * ui-react's `useExperimentalFlag`) updates without a restart.
 *
 * The flag never throws into the host: a damaged prefs file, storage the browser blocks or
 * a disk that cannot be written is a {@link ExperimentalFlagInfo.problem}, and the flag
 * keeps working in memory.
 *
 * @example
 * ```ts
 * const flag = await ExperimentalFlag.open();
 * flag.state$.subscribe((on) => console.log(on ? 'remote training on' : 'off'));
 * settingsSwitch.onchange = () => flag.set(settingsSwitch.checked);
 * settingsSwitch.disabled = flag.getInfo().source === 'env';
 * ```
 */
export class ExperimentalFlag {
  /** Whether experimental features are on: the current value, then each change. */
  readonly state$: Observable<boolean>;
  /** The flag with its explanation: the current info, then each change. */
  readonly info$: Observable<ExperimentalFlagInfo>;

  private readonly infoSubject: BehaviorSubject<ExperimentalFlagInfo>;
  private readonly listeners = new Set<() => void>();
  private saved: boolean | undefined;
  private storageProblem: HostAdapterError | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly stopWatching: () => void;
  private readonly envVar: string;

  private constructor(
    private readonly storage: PrefsStorage,
    private readonly env: EnvOverride,
    envVar: string,
    loaded: { saved: boolean | undefined; problem: HostAdapterError | undefined },
  ) {
    this.envVar = envVar;
    this.saved = loaded.saved;
    this.storageProblem = loaded.problem;
    this.infoSubject = new BehaviorSubject(this.computeInfo());
    this.info$ = this.infoSubject.asObservable();
    this.state$ = this.info$.pipe(
      map((info) => info.on),
      distinctUntilChanged(),
    );
    this.stopWatching = storage.watch?.(() => void this.reload()) ?? (() => undefined);
  }

  /**
   * Reads the saved setting and the environment variable; resolves with the flag (never
   * rejects: a setting that cannot be read is off, with the problem in {@link getInfo}).
   */
  static async open(options: ExperimentalFlagOptions = {}): Promise<ExperimentalFlag> {
    const env = options.env ?? processEnv();
    const envVar = options.envVar ?? 'TRAINWIRE_EXPERIMENTAL';
    let storage: PrefsStorage;
    try {
      storage =
        options.storage ?? defaultPrefsStorage({ env, localStorageKey: options.localStorageKey });
    } catch {
      // No home directory to find the prefs file in: keep the flag usable, unsaved.
      storage = new MemoryPrefsStorage();
    }
    const loaded = await load(storage);
    return new ExperimentalFlag(storage, readEnvOverride(env, envVar), envVar, loaded);
  }

  /** Whether experimental features are on now. */
  getSnapshot = (): boolean => this.infoSubject.getValue().on;

  /** The flag with its explanation; the same object until something changes. */
  getInfo = (): ExperimentalFlagInfo => this.infoSubject.getValue();

  /** Calls `listener` after each change of {@link getInfo} (and so of the flag); returns unsubscribe. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /**
   * Turns experimental features on or off now and saves the choice. While the environment
   * variable overrides the flag, the choice is saved but the variable still decides. The
   * promise resolves once the choice is saved or has failed to be (see
   * {@link ExperimentalFlagInfo.problem}); it never rejects.
   */
  set = (on: boolean): Promise<void> => {
    this.saved = on;
    this.publish();
    const saving = this.queue.then(() => this.save(on));
    this.queue = saving;
    return saving;
  };

  /** Reads the saved setting again (another process or tab may have changed it). Never rejects. */
  reload = (): Promise<void> => {
    const reading = this.queue.then(async () => {
      const loaded = await load(this.storage);
      this.saved = loaded.saved;
      this.storageProblem = loaded.problem;
      this.publish();
    });
    this.queue = reading;
    return reading;
  };

  /** Stops watching the storage and completes the observables. */
  close(): void {
    this.stopWatching();
    this.listeners.clear();
    this.infoSubject.complete();
  }

  private async save(on: boolean): Promise<void> {
    let document = {};
    try {
      document = parsePrefsDocument(await this.storage.read(), this.storage.description);
    } catch {
      // Damaged or unreadable: the fresh copy keeps only what this flag knows.
    }
    try {
      await this.storage.write(formatPrefsDocument({ ...document, experimental: on }));
      this.storageProblem = undefined;
    } catch (error) {
      this.storageProblem = asProblem(error, 'prefs_unwritable', this.storage.description);
    }
    this.publish();
  }

  private publish(): void {
    if (this.infoSubject.closed) return;
    const next = this.computeInfo();
    const current = this.infoSubject.getValue();
    if (
      next.on === current.on &&
      next.source === current.source &&
      next.saved === current.saved &&
      next.problem === current.problem &&
      next.reason === current.reason
    ) {
      return;
    }
    this.infoSubject.next(next);
    for (const listener of [...this.listeners]) listener();
  }

  private computeInfo(): ExperimentalFlagInfo {
    const { override, problem: envProblem } = this.env;
    const where = this.storage.description;
    const storageProblem = this.storageProblem;
    const problem = storageProblem ?? envProblem;
    if (override !== undefined) {
      return {
        on: override.on,
        source: 'env',
        saved: this.saved,
        override: { name: override.name, value: override.value },
        storage: where,
        reason: `${override.name}=${override.value} turns experimental features ${override.on ? 'on' : 'off'} whatever the saved setting; unset ${override.name} to use the setting`,
        problem,
      };
    }
    const on = this.saved ?? false;
    let reason: string;
    if (storageProblem?.code === 'prefs_unwritable') {
      reason = `Experimental features are ${on ? 'on' : 'off'} until the app closes: ${storageProblem.message}`;
    } else if (storageProblem !== undefined) {
      reason = `Experimental features are off: ${storageProblem.message}`;
    } else if (this.saved === undefined) {
      reason = `Experimental features are off (the default); turn them on in settings or set ${this.envVar}=1`;
    } else {
      reason = `Experimental features are ${on ? 'on' : 'off'} (saved in ${where})${on ? '' : '; turn them on in settings'}`;
    }
    if (envProblem !== undefined) reason += `; ${envProblem.message}`;
    return {
      on,
      source: this.saved === undefined ? 'default' : 'saved',
      saved: this.saved,
      override: undefined,
      storage: where,
      reason,
      problem,
    };
  }
}

async function load(
  storage: PrefsStorage,
): Promise<{ saved: boolean | undefined; problem: HostAdapterError | undefined }> {
  try {
    const document = parsePrefsDocument(await storage.read(), storage.description);
    return { saved: document.experimental, problem: undefined };
  } catch (error) {
    return { saved: undefined, problem: asProblem(error, 'prefs_unreadable', storage.description) };
  }
}

function asProblem(
  error: unknown,
  code: 'prefs_unreadable' | 'prefs_unwritable',
  where: string,
): HostAdapterError {
  if (isTrainwireError(error) && error.name === 'HostAdapterError') {
    return error as HostAdapterError;
  }
  // A host's own storage rejected with something of its own.
  const what = code === 'prefs_unreadable' ? 'read' : 'save';
  const detail = error instanceof Error ? error.message : String(error);
  return new HostAdapterError(code, `cannot ${what} the preferences in ${where}: ${detail}`, {
    cause: error,
  });
}
