import { HostAdapterError } from './errors.js';
import type { PrefsStorage } from './PrefsStorage.js';

/** How a {@link LocalStoragePrefsStorage} is set up. */
export interface LocalStoragePrefsStorageOptions {
  /** The localStorage key; choose one that is yours in the host's origin. Default `trainwire.prefs`. */
  key?: string;
  /** The storage; the page's `localStorage` by default (read when first used). */
  storage?: Storage;
  /** Where `storage` events arrive (another tab changed the key); the page's `window` by default. */
  events?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
}

/**
 * Preferences in the browser's `localStorage`, under a key the host chooses. Another tab
 * that changes the key is seen through the `storage` event ({@link PrefsStorage.watch}).
 * A page where storage is blocked (a sandboxed frame, storage turned off) gets a problem
 * it can show, not an exception.
 *
 * @example
 * ```ts
 * const storage = new LocalStoragePrefsStorage({ key: 'my-lab-app.trainwire' });
 * const flag = await ExperimentalFlag.open({ storage });
 * ```
 */
export class LocalStoragePrefsStorage implements PrefsStorage {
  /** The localStorage key. */
  readonly key: string;
  /** Where the preferences live, in words (the key). */
  readonly description: string;
  private readonly explicitStorage: Storage | undefined;
  private readonly events: LocalStoragePrefsStorageOptions['events'];

  /** Keeps preferences under `options.key` of `options.storage` (the page's localStorage). */
  constructor(options: LocalStoragePrefsStorageOptions = {}) {
    this.key = options.key ?? 'trainwire.prefs';
    this.description = `this browser's storage (localStorage key "${this.key}")`;
    this.explicitStorage = options.storage;
    this.events = options.events ?? (typeof window === 'undefined' ? undefined : window);
  }

  /** The stored text, or undefined when nothing was saved yet. */
  async read(): Promise<string | undefined> {
    try {
      return this.storage().getItem(this.key) ?? undefined;
    } catch (error) {
      throw new HostAdapterError(
        'prefs_unreadable',
        `cannot read the preferences from ${this.description}: the browser blocks storage for this page; allow site data for it`,
        { cause: error },
      );
    }
  }

  /** Replaces the stored text. */
  async write(text: string): Promise<void> {
    try {
      this.storage().setItem(this.key, text);
    } catch (error) {
      throw new HostAdapterError(
        'prefs_unwritable',
        `cannot save the preferences in ${this.description}: the browser refused (storage full or blocked); free some site data or allow storage for this page`,
        { cause: error },
      );
    }
  }

  /** Calls `onChange` when another tab changes the key (or clears the storage); returns stop. */
  watch(onChange: () => void): () => void {
    const events = this.events;
    if (events === undefined) return () => undefined;
    const listener = (event: Event): void => {
      const { key } = event as StorageEvent;
      // key is null when the whole storage was cleared.
      if (key === this.key || key === null) onChange();
    };
    events.addEventListener('storage', listener);
    return () => events.removeEventListener('storage', listener);
  }

  private storage(): Storage {
    // Reading window.localStorage itself throws where storage is blocked.
    const storage = this.explicitStorage ?? globalThis.localStorage;
    if (storage === undefined) throw new Error('localStorage is not available');
    return storage;
  }
}
