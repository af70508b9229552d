import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type FileModes, writeFileWithMode } from './FileModes.js';

/** Where a job's trainer process id is kept while it runs: the run directory. */
function pidFile(runDir: string): string {
  return join(runDir, 'trainer.pid');
}

/** Records the trainer's process id (its process group leader) for crash recovery. */
export function writeTrainerPid(runDir: string, pid: number | undefined, modes: FileModes): void {
  if (pid !== undefined) writeFileWithMode(pidFile(runDir), `${pid}\n`, modes);
}

/** Forgets it once the trainer has exited. */
export function removeTrainerPid(runDir: string): void {
  rmSync(pidFile(runDir), { force: true });
}

/**
 * After the worker itself died, its trainers may still run (they have their own process
 * group). Kills the group of `jobId`'s trainer if it is still alive — only after checking,
 * in `/proc`, that the process really is that job's trainer (a pid may have been reused).
 * Returns the pid killed, or undefined.
 */
export function killOrphanedTrainer(runDir: string, jobId: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile(runDir), 'utf8'), 10);
  } catch {
    return undefined;
  }
  removeTrainerPid(runDir);
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return undefined; // Gone, or no /proc to check with: never kill what cannot be verified.
  }
  if (!environ.split('\0').includes(`TRAINWIRE_JOB_ID=${jobId}`)) return undefined;
  try {
    process.kill(-pid, 'SIGKILL');
    return pid;
  } catch {
    return undefined;
  }
}
