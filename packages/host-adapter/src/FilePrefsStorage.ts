import { HostAdapterError } from './errors.js';
import { fsProblem } from './internal/fsProblem.js';
import { readTextFile, userPrefsPath, writeTextFileAtomic } from './internal/nodeFiles.js';
import { processEnv } from './internal/runtime.js';
import type { PrefsStorage } from './PrefsStorage.js';

/**
 * Preferences in a JSON file (Node): read whole, written atomically (a temporary file, then
 * a rename) and readable only by the user (mode 0600). The file the CLI and every Node host
 * share is {@link FilePrefsStorage.forUser}'s: `$TRAINWIRE_HOME/prefs.json`, else
 * `$XDG_CONFIG_HOME/trainwire/prefs.json`, else `~/.config/trainwire/prefs.json`.
 *
 * @example
 * ```ts
 * const flag = await ExperimentalFlag.open({ storage: FilePrefsStorage.forUser() });
 * ```
 */
export class FilePrefsStorage implements PrefsStorage {
  /** The file's path. */
  readonly path: string;
  /** Where the preferences live, in words (the path). */
  readonly description: string;

  /** Keeps preferences in the file at `path`. */
  constructor(path: string) {
    this.path = path;
    this.description = path;
  }

  /** The user's prefs file, located from `env` (the process environment by default). */
  static forUser(
    env: Readonly<Record<string, string | undefined>> = processEnv(),
  ): FilePrefsStorage {
    return new FilePrefsStorage(userPrefsPath(env));
  }

  /** The stored text, or undefined when nothing was saved yet. */
  async read(): Promise<string | undefined> {
    try {
      return await readTextFile(this.path);
    } catch (error) {
      throw new HostAdapterError(
        'prefs_unreadable',
        `cannot read the preferences in ${this.path}: ${fsProblem(error)}; fix its permissions or set TRAINWIRE_HOME to another folder`,
        { cause: error },
      );
    }
  }

  /** Replaces the stored text. */
  async write(text: string): Promise<void> {
    try {
      await writeTextFileAtomic(this.path, text);
    } catch (error) {
      throw new HostAdapterError(
        'prefs_unwritable',
        `cannot save the preferences in ${this.path}: ${fsProblem(error)}; set TRAINWIRE_HOME to a folder you can write to`,
        { cause: error },
      );
    }
  }
}
