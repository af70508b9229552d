import { FilePrefsStorage } from '../FilePrefsStorage.js';
import { LocalStoragePrefsStorage } from '../LocalStoragePrefsStorage.js';
import { MemoryPrefsStorage } from '../MemoryPrefsStorage.js';
import type { PrefsStorage } from '../PrefsStorage.js';
import { currentRuntime, type Runtime } from './runtime.js';

/**
 * The storage a flag uses when the host names none: the user's prefs file under Node
 * (shared with the CLI), else the page's localStorage, else memory.
 */
export function defaultPrefsStorage(options: {
  env: Readonly<Record<string, string | undefined>>;
  localStorageKey: string | undefined;
  runtime?: Runtime;
}): PrefsStorage {
  const runtime = options.runtime ?? currentRuntime();
  if (runtime.node) return FilePrefsStorage.forUser(options.env);
  if (runtime.localStorage !== undefined) {
    return new LocalStoragePrefsStorage({
      storage: runtime.localStorage,
      ...(options.localStorageKey === undefined ? {} : { key: options.localStorageKey }),
    });
  }
  return new MemoryPrefsStorage();
}
