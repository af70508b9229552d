/// <reference types="node" />
// The only file that imports Node modules. package.json's `browser` field swaps it for
// nodeFiles.browser.ts, so a browser bundle never sees `node:fs`.
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Whether these functions work here (false in the browser build). */
export const nodeFilesAvailable = true;

/** `$TRAINWIRE_HOME/prefs.json`, else `$XDG_CONFIG_HOME/trainwire/prefs.json`, else `~/.config/trainwire/prefs.json`. */
export function userPrefsPath(env: Readonly<Record<string, string | undefined>>): string {
  const base =
    nonEmpty(env.TRAINWIRE_HOME) ??
    join(nonEmpty(env.XDG_CONFIG_HOME) ?? join(homedir(), '.config'), 'trainwire');
  return join(base, 'prefs.json');
}

/** The file's text, or undefined when there is no such file. */
export async function readTextFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Writes `text` readable only by the user (0600), atomically: a temporary file beside it,
 * then a rename, so a crash leaves the old file or the new one, never half of one.
 */
export async function writeTextFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(temp, text, { mode: 0o600 });
    // The mode given to writeFile is masked by the umask; chmod is not.
    await chmod(temp, 0o600);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
