import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Permissions of what a worker creates in its data dir (the `fileMode` of its config). */
export interface FileModes {
  /** Files: the store, uploads, run configs, the lock. */
  file: number;
  /** Folders: runs, checkpoints, uploads, datasets. */
  dir: number;
  /** The umask trainers start with, so that what they write gets the same modes. */
  umask: number;
}

/**
 * `private` (the default): 0600 files in 0700 folders, only the worker's user reads them.
 * `group`: 0640 / 0750, for a lab whose members share the worker user's group.
 */
export function fileModes(kind: 'private' | 'group'): FileModes {
  return kind === 'group'
    ? { file: 0o640, dir: 0o750, umask: 0o027 }
    : { file: 0o600, dir: 0o700, umask: 0o077 };
}

/**
 * `mkdir -p` with `modes.dir` on every folder it created and on `path` itself, whatever
 * the process umask (a umask of 022 would not loosen 0700, but one of 077 would tighten
 * 0750).
 */
export function makeDir(path: string, modes: FileModes): void {
  const first = mkdirSync(path, { recursive: true, mode: modes.dir });
  const target = resolve(path);
  if (first !== undefined) {
    for (let dir = target; ; dir = dirname(dir)) {
      chmodSync(dir, modes.dir);
      if (dir === resolve(first) || dirname(dir) === dir) break;
    }
  } else chmodSync(target, modes.dir);
}

/** Writes a whole file created (or left) with `modes.file`. */
export function writeFileWithMode(
  path: string,
  data: string | NodeJS.ArrayBufferView,
  modes: FileModes,
): void {
  writeFileSync(path, data, { mode: modes.file });
  chmodSync(path, modes.file);
}
