import { rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkerError } from '../errors.js';

/**
 * Room kept in the data dir for the records that end jobs when the disk fills up: freed
 * then, so the final `failed` state (and its checkpoint) still reaches the store. The final
 * transaction touches the job, its experiment and their indexes (a few dozen WAL pages):
 * 64 KiB was too little once experiments were recorded, and the job never ended.
 */
const RESERVE_BYTES = 256 * 1024;
const RESERVE_FILE = '.space-reserve';

/**
 * The worker's view of its disk: free space by `statfs`, a small reserve file that is
 * given up when the disk is full, and the `no_space` refusals of new work.
 */
export class DiskSpace {
  private readonly reservePath: string;

  constructor(
    readonly dataDir: string,
    /** New jobs (and uploads) need this much free space left over. */
    readonly minFreeBytes: number,
    private readonly workerName: () => string,
    /** Gives back space the store holds but does not need (its write-ahead log). */
    private readonly compact: () => void = () => {},
    /** Mode of the reserve file. */
    private readonly fileMode = 0o600,
  ) {
    this.reservePath = join(dataDir, RESERVE_FILE);
  }

  /** Free bytes (for an unprivileged user) on the file system of `path`. */
  freeBytes(path: string = this.dataDir): number {
    const stats = statfsSync(path);
    return stats.bavail * stats.bsize;
  }

  /** Puts the reserve back if it is missing; false when there is no room for it. */
  ensureReserve(): boolean {
    if (statSync(this.reservePath, { throwIfNoEntry: false })?.size === RESERVE_BYTES) return true;
    try {
      writeFileSync(this.reservePath, Buffer.alloc(RESERVE_BYTES), { mode: this.fileMode });
      return true;
    } catch {
      rmSync(this.reservePath, { force: true });
      return false;
    }
  }

  /**
   * On a full disk: gives the reserve up and the store's write-ahead log back, so the
   * records that end a job fit. The reserve returns with the next job that has room.
   */
  makeRoom(): void {
    rmSync(this.reservePath, { force: true });
    this.tryCompact();
  }

  /** Throws `no_space` unless the data dir has room for a new job. */
  checkForJob(): void {
    if (this.hasRoomForJob()) return;
    this.tryCompact();
    if (this.hasRoomForJob()) return;
    const free = this.freeBytes();
    throw new WorkerError(
      'no_space',
      `${this.workerName()} is short of disk space: its data dir ${this.dataDir} has ${formatBytes(free)} free and it takes a job only with ${formatBytes(this.minFreeBytes)} free; free space there (old runs are in ${join(this.dataDir, 'runs')}, uploads in ${join(this.dataDir, 'uploads')}), or use another worker`,
      { details: { dataDir: this.dataDir, freeBytes: free, neededBytes: this.minFreeBytes } },
    );
  }

  private hasRoomForJob(): boolean {
    return this.ensureReserve() && this.freeBytes() >= this.minFreeBytes;
  }

  /** Gives back the space the store's write-ahead log holds (a full disk may be just that). */
  tryCompact(): void {
    try {
      this.compact();
    } catch {
      // Nothing to give back now (the disk may be too full even for that).
    }
  }

  /**
   * Throws `no_space` unless `remaining` more bytes fit in `dir` with room left for a job
   * (an upload is an input to one).
   */
  checkForUpload(dir: string, name: string, remaining: number): void {
    const needed = remaining + this.minFreeBytes;
    if (this.freeBytes(dir) >= needed) return;
    this.tryCompact();
    const free = this.freeBytes(dir);
    if (free >= needed) return;
    throw new WorkerError(
      'no_space',
      `${this.workerName()} has no room for ${name}: ${formatBytes(remaining)} more to receive, ${formatBytes(free)} free in ${dir} (it keeps ${formatBytes(this.minFreeBytes)} free to train); free space on that disk, or use another worker`,
      { details: { dir, freeBytes: free, neededBytes: needed } },
    );
  }

  /** Free space of the data dir now (null when it cannot be read). */
  report(): { dataDir: string; freeBytes: number | null } {
    try {
      return { dataDir: this.dataDir, freeBytes: this.freeBytes() };
    } catch {
      return { dataDir: this.dataDir, freeBytes: null };
    }
  }

  /** The `no_space` error of a write that did not fit (the raw error stays in `cause`). */
  diskFull(what: string, cause: unknown): WorkerError {
    const report = this.report();
    const free = report.freeBytes === null ? 'no' : formatBytes(report.freeBytes);
    return new WorkerError(
      'no_space',
      `the disk of ${this.workerName()} is full (${free} free in its data dir ${this.dataDir}): ${what}; free space there, then try again`,
      { cause, details: report },
    );
  }
}

/** True for a write that failed because the disk is full (SQLite's or the file system's). */
export function isDiskFull(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return true;
  return typeof message === 'string' && /ENOSPC|no space left on device/i.test(message);
}

/** True for lines a program printed when the disk was full. */
export function mentionsDiskFull(lines: readonly string[]): boolean {
  return lines.some((line) => /ENOSPC|no space left on device|disk is full/i.test(line));
}

/** `1.5 MiB`, `120 KiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
