import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describeFsError } from '@trainwire/core';
import { z } from 'zod';
import { WorkerError } from '../errors.js';

/** Who holds a data dir: what `worker.lock` holds. */
const LockOwnerSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  /** When the owner took the lock, ms since the epoch. */
  startedAt: z.number(),
  /** The owner's start time in `/proc/PID/stat` (clock ticks since boot), to tell a reused pid. */
  processStart: z.string().optional(),
});

type LockOwner = z.infer<typeof LockOwnerSchema>;

const LOCK_FILE = 'worker.lock';
const TAKEOVER_TRIES = 3;

/**
 * One worker per data dir: `worker.lock` names the process (pid, host, start time) that
 * uses the folder. A lock whose process is gone (or whose pid now belongs to another
 * process) is taken over; a live one refuses with `data_dir_in_use`.
 */
export class DataDirLock {
  private constructor(
    private readonly path: string,
    private readonly owner: LockOwner,
  ) {}

  /** Takes the lock of `dataDir`, or throws `data_dir_in_use` naming the process that holds it. */
  static acquire(dataDir: string, now: () => number = Date.now, fileMode = 0o600): DataDirLock {
    const path = join(dataDir, LOCK_FILE);
    const start = processStart(process.pid);
    const owner: LockOwner = {
      pid: process.pid,
      host: hostname(),
      startedAt: now(),
      ...(start === undefined ? {} : { processStart: start }),
    };
    // Written whole first, then linked into place: a reader never sees half a lock, and
    // link() fails when a lock exists (an atomic create-if-absent).
    const draft = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
    try {
      // It names this process: for the worker's user only.
      writeFileSync(draft, `${JSON.stringify(owner)}\n`, { mode: fileMode });
    } catch (error) {
      throw notWritable(dataDir, error);
    }
    try {
      for (let attempt = 0; attempt < TAKEOVER_TRIES; attempt++) {
        try {
          linkSync(draft, path);
          return new DataDirLock(path, owner);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        const text = readText(path);
        if (text === undefined) continue; // Released meanwhile: try again.
        const holder = parseOwner(text);
        if (holder !== undefined && isAlive(holder)) throw inUse(dataDir, path, holder);
        removeStale(path, text);
      }
      const holder = parseOwner(readText(path) ?? '');
      throw holder
        ? inUse(dataDir, path, holder)
        : new WorkerError(
            'data_dir_in_use',
            `the data dir ${dataDir} is being taken by another trainwire run right now; wait for it, or give this one its own folder with --data-dir`,
            { details: { dataDir, lockFile: path } },
          );
    } finally {
      rmSync(draft, { force: true });
    }
  }

  /** Gives the folder up (only if the lock is still this process's). */
  release(): void {
    const holder = parseOwner(readText(this.path) ?? '');
    if (holder?.pid === this.owner.pid && holder.startedAt === this.owner.startedAt) {
      rmSync(this.path, { force: true });
    }
  }
}

function notWritable(dataDir: string, error: unknown): WorkerError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'EROFS'
      ? 'it is on a read-only file system'
      : code === 'EACCES' || code === 'EPERM'
        ? 'this user may not write there'
        : code === 'ENOSPC'
          ? 'its disk is full'
          : describeFsError(error);
  return new WorkerError(
    'store_failed',
    `cannot use the data dir ${dataDir}: ${why}; make it writable, or give the worker another folder with --data-dir`,
    { cause: error, details: { dataDir } },
  );
}

function inUse(dataDir: string, lockFile: string, holder: LockOwner): WorkerError {
  const where = holder.host === hostname() ? '' : ` on ${holder.host}`;
  return new WorkerError(
    'data_dir_in_use',
    `the data dir ${dataDir} is in use by another trainwire run (pid ${holder.pid}${where}, since ${new Date(holder.startedAt).toISOString()}); stop that one first, or give this one its own folder with --data-dir`,
    {
      details: {
        dataDir,
        lockFile,
        pid: holder.pid,
        host: holder.host,
        startedAt: holder.startedAt,
      },
    },
  );
}

/**
 * Moves a stale lock out of the way. If another process replaced it between our read and
 * the rename, that one is live: it is put back and the next round refuses.
 */
function removeStale(path: string, text: string): void {
  const aside = `${path}.stale-${process.pid}-${randomUUID().slice(0, 8)}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // Gone already.
  }
  if (readText(aside) !== text) {
    try {
      linkSync(aside, path);
    } catch {
      // A third process took it meanwhile; the next round reads that one.
    }
  }
  rmSync(aside, { force: true });
}

function isAlive(holder: LockOwner): boolean {
  // A process on another host cannot be checked from here: the lock stands.
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = processStart(holder.pid);
  // The pid was reused by a process that started later than the lock's owner.
  return holder.processStart === undefined || start === undefined || start === holder.processStart;
}

/** Field 22 of `/proc/PID/stat`; undefined without `/proc`. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after it do not.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const parsed = LockOwnerSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
