import { type ChildProcess, spawn } from 'node:child_process';

/** One line a process wrote, with when (ms since the process started). */
export interface OutputLine {
  at: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** A child process whose output is kept line by line, with times, for the fault tests. */
export interface TrackedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** `Date.now()` when it was started. */
  readonly startedAt: number;
  readonly lines: readonly OutputLine[];
  stdout(): string;
  stderr(): string;
  /** Resolves with the first line (of `stream`, or either) matching `pattern`. */
  waitForLine(
    pattern: RegExp,
    options?: { stream?: 'stdout' | 'stderr'; timeoutMs?: number },
  ): Promise<OutputLine>;
  /** Settles when it has exited: its code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Resolves with the exit, or with `undefined` when it is still running after `ms`. */
  exitWithin(
    ms: number,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number } | undefined>;
  running(): boolean;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Spawns `command args` (in a network namespace when the caller passes `ip netns exec …`),
 * stdin closed, and keeps every output line with its time.
 */
export function spawnTracked(
  command: string,
  args: readonly string[],
  env: Record<string, string | undefined> = process.env,
): TrackedProcess {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const startedAt = Date.now();
  const lines: OutputLine[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const collect = (stream: 'stdout' | 'stderr') => {
    let partial = '';
    return (chunk: Buffer) => {
      partial += chunk.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const text of parts) lines.push({ at: Date.now() - startedAt, stream, text });
      notify();
    };
  };
  child.stdout?.on('data', collect('stdout'));
  child.stderr?.on('data', collect('stderr'));
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
    (resolve) => {
      child.on('close', (code, signal) => {
        exitInfo = { code, signal, at: Date.now() - startedAt };
        resolve(exitInfo);
        notify();
      });
      child.on('error', (error) => {
        lines.push({ at: Date.now() - startedAt, stream: 'stderr', text: String(error) });
        exitInfo = { code: -1, signal: null, at: Date.now() - startedAt };
        resolve(exitInfo);
        notify();
      });
    },
  );
  const text = (stream: 'stdout' | 'stderr') =>
    lines
      .filter((l) => l.stream === stream)
      .map((l) => `${l.text}\n`)
      .join('');
  return {
    child,
    pid: child.pid ?? -1,
    startedAt,
    lines,
    stdout: () => text('stdout'),
    stderr: () => text('stderr'),
    exited,
    running: () => exitInfo === undefined,
    kill: (signal = 'SIGTERM') => {
      if (exitInfo === undefined) child.kill(signal);
    },
    exitWithin: (ms) =>
      Promise.race([
        exited,
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref()),
      ]),
    waitForLine(pattern, options = {}) {
      const timeoutMs = options.timeoutMs ?? 30_000;
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.find(
            (l) =>
              (options.stream === undefined || l.stream === options.stream) && pattern.test(l.text),
          );
          if (line !== undefined) {
            done();
            resolve(line);
          } else if (exitInfo !== undefined) {
            done();
            reject(
              new Error(
                `exited (${exitInfo.code ?? exitInfo.signal}) before a line matching ${pattern}:\n${tail(lines)}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${tail(lines)}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** The last lines of output, for an error message. */
export function tail(lines: readonly OutputLine[], count = 40): string {
  return lines
    .slice(-count)
    .map((l) => `  [${(l.at / 1000).toFixed(1)}s ${l.stream}] ${l.text}`)
    .join('\n');
}
