import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** A checkpoint file found on disk. */
export interface FoundCheckpoint {
  path: string;
  /** Path relative to the checkpoint folder. */
  name: string;
  size: number;
  mtimeMs: number;
  /** `best`, `last`, or undefined for numbered checkpoints. */
  label: string | undefined;
  /** Epoch from a name like `epoch-0003.json` / `epoch=3.ckpt`. */
  epoch: number | undefined;
}

/** Checkpoint files under `dir` (two levels: sleap-nn writes `<dir>/<run>/best.ckpt`). */
export async function scanCheckpoints(dir: string, depth = 2): Promise<FoundCheckpoint[]> {
  const found: FoundCheckpoint[] = [];
  const walk = async (folder: string, level: number) => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = join(folder, entry.name);
      if (entry.isDirectory() && level < depth) await walk(full, level + 1);
      if (!entry.isFile() || entry.name.endsWith('.tmp')) continue;
      const info = await stat(full).catch(() => undefined);
      if (!info) continue;
      const base = entry.name.replace(/\.[^.]+$/, '');
      const epochMatch = /epoch[-_=]?(\d+)/i.exec(base);
      found.push({
        path: full,
        name: relative(dir, full),
        size: info.size,
        mtimeMs: info.mtimeMs,
        label: base === 'best' || base === 'last' ? base : undefined,
        epoch: epochMatch ? Number(epochMatch[1]) : undefined,
      });
    }
  };
  await walk(dir, 1);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}
