import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultLab } from './faultLab.js';
import type { OutputLine, TrackedProcess } from './trackedProcess.js';

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until a `--json` client printed the `epoch_end` of 0-based `epoch`; returns the job id. */
export async function waitForEpoch(
  proc: TrackedProcess,
  epoch: number,
  timeoutMs = 60_000,
): Promise<string> {
  const line = await proc.waitForLine(new RegExp(`"event":"epoch_end","epoch":${epoch}[,}]`), {
    stream: 'stdout',
    timeoutMs,
  });
  return (JSON.parse(line.text) as { jobId: string }).jobId;
}

/** The first line (of `stream`) matching `pattern` printed after `afterMs` (process time). */
export function lineAfter(
  proc: TrackedProcess,
  pattern: RegExp,
  afterMs = 0,
  stream?: 'stdout' | 'stderr',
): OutputLine | undefined {
  return proc.lines.find(
    (l) => l.at >= afterMs && (stream === undefined || l.stream === stream) && pattern.test(l.text),
  );
}

/** Milliseconds since `proc` started. */
export function clockOf(proc: TrackedProcess): number {
  return Date.now() - proc.startedAt;
}

/** Epochs done according to the job's `last.json` on the worker's disk (null if none). */
export function workerCheckpointEpoch(lab: FaultLab, jobId: string, dataDir = lab.workerDataDir) {
  try {
    const path = join(dataDir, 'runs', jobId, 'checkpoints', 'last.json');
    return (JSON.parse(readFileSync(path, 'utf8')) as { epoch: number }).epoch;
  } catch {
    return null;
  }
}

/** Resident memory of a process, MiB (from /proc). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kib / 1024;
}
