import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { until } from './helpers.js';

const SCRIPT = fileURLToPath(new URL('./workerProcess.mjs', import.meta.url));

/** One JSON line the worker process printed. */
export type WorkerLine = Record<string, unknown>;

/** A worker running in a process of its own (`workerProcess.mjs`). */
export interface WorkerProcess {
  child: ChildProcess;
  lines: WorkerLine[];
  /** Waits for a line that `match` accepts and returns it. */
  waitFor(match: (line: WorkerLine) => boolean, what: string): Promise<WorkerLine>;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
}

const started: ChildProcess[] = [];

/**
 * Starts a worker on `dataDir` in another process, optionally running one built-in job;
 * `workerConfig` is added to its config.
 */
export function spawnWorker(
  dataDir: string,
  job?: { jobId: string; config: Record<string, unknown> },
  workerConfig: Record<string, unknown> = {},
): WorkerProcess {
  const args = [SCRIPT, dataDir, ...(job ? [job.jobId, JSON.stringify(job.config)] : [])];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TW_WORKER_CONFIG: JSON.stringify(workerConfig) },
  });
  started.push(child);
  const lines: WorkerLine[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    partial += chunk.toString('utf8');
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) if (line.trim() !== '') lines.push(JSON.parse(line));
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    lines,
    exited,
    async waitFor(match, what) {
      await until(
        () => lines.some(match) || child.exitCode !== null,
        `${what} from the worker process`,
      );
      const line = lines.find(match);
      if (!line) throw new Error(`the worker process ended before ${what}: ${stderr}`);
      return line;
    },
  };
}

/** Kills every worker process a test started (and left running). */
export function killWorkerProcesses(): void {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
