import type { PrefsStorage } from './PrefsStorage.js';

/**
 * Preferences kept in memory only: for a host that saves its settings itself and drives
 * the flag with `set()`, and where neither a file nor localStorage is available.
 *
 * @example
 * ```ts
 * const flag = await ExperimentalFlag.open({ storage: new MemoryPrefsStorage() });
 * flag.set(hostSettings.experimental);
 * ```
 */
export class MemoryPrefsStorage implements PrefsStorage {
  /** Where the preferences live, in words. */
  readonly description = 'memory (not saved)';
  private text: string | undefined;

  /** Starts with `text` stored, or nothing. */
  constructor(text?: string) {
    this.text = text;
  }

  /** The stored text, or undefined when nothing was saved yet. */
  async read(): Promise<string | undefined> {
    return this.text;
  }

  /** Replaces the stored text. */
  async write(text: string): Promise<void> {
    this.text = text;
  }
}
