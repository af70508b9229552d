import { open, readdir, rm, stat } from 'node:fs/promises';
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
  /**
   * The epoch (0-based, as in progress events) after which it was saved: from a built-in
   * trainer checkpoint's own `epoch` field (epochs done, so one more), else from a name
   * like `epoch-0003.json` / `epoch=3.ckpt`.
   */
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
      const epoch = (await builtinCheckpointEpoch(full)) ?? Number(epochMatch?.[1] ?? Number.NaN);
      found.push({
        path: full,
        name: relative(dir, full),
        size: info.size,
        mtimeMs: info.mtimeMs,
        label: base === 'best' || base === 'last' ? base : undefined,
        epoch: Number.isNaN(epoch) ? undefined : epoch,
      });
    }
  };
  await walk(dir, 1);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** The checkpoint to resume from: `last`, else the newest. */
export function newestCheckpoint<T extends { label?: string | undefined; mtimeMs: number }>(
  found: readonly T[],
): T | undefined {
  return (
    found.find((c) => c.label === 'last') ?? [...found].sort((a, b) => b.mtimeMs - a.mtimeMs)[0]
  );
}

/**
 * Removes the `.tmp` files a killed trainer left half-written (two levels deep); call it
 * only once that trainer is gone.
 */
export async function removePartialCheckpoints(dir: string, depth = 2): Promise<void> {
  const walk = async (folder: string, level: number) => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = join(folder, entry.name);
      if (entry.isDirectory() && level < depth) await walk(full, level + 1);
      else if (entry.isFile() && entry.name.endsWith('.tmp')) await rm(full, { force: true });
    }
  };
  await walk(dir, 1);
}

const HEAD_BYTES = 256;

/**
 * A built-in trainer checkpoint starts `{"format":"trainwire-mlp-checkpoint","version":1,
 * "epoch":N` (epochs done): the 0-based epoch is N - 1. Reads only the head of the file.
 */
async function builtinCheckpointEpoch(path: string): Promise<number | undefined> {
  if (!path.endsWith('.json')) return undefined;
  const file = await open(path, 'r').catch(() => undefined);
  if (!file) return undefined;
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(head, 0, HEAD_BYTES, 0);
    const text = head.subarray(0, bytesRead).toString('utf8');
    if (!/^\{"format":"trainwire-mlp-checkpoint"/.test(text)) return undefined;
    const match = /"epoch":(\d+)/.exec(text);
    const done = match ? Number(match[1]) : 0;
    return done > 0 ? done - 1 : undefined;
  } catch {
    return undefined;
  } finally {
    await file.close();
  }
}
