import { type ChildProcess, spawn } from 'node:child_process';
import type { ProgressMessage } from '@trainwire/core';
import type { Observable } from 'rxjs';
import { followProgress } from '../internal/followProgress.js';
import { LineSplitter } from '../internal/LineSplitter.js';
import { trainerEnvironment } from '../internal/trainerEnvironment.js';

/**
 * The worker's end of one trainer's ZeroMQ link (what `@trainwire/bridge-zmq`'s
 * `createTrainerReader` returns).
 */
export interface ProgressLink {
  readonly publishAddress: string;
  readonly controlAddress: string;
  readonly messages$: Observable<
    { kind: 'progress'; progress: ProgressMessage; raw: unknown } | { kind: 'raw'; raw: unknown }
  >;
  sendStop(): Promise<void>;
  close(): Promise<void>;
}

/** How to run one trainer and where its output goes. */
export interface TrainerProcessOptions {
  argv: string[];
  /**
   * Variables for this trainer, added to the worker's environment — from which every
   * `TRAINWIRE_*` variable (trainwire's secrets among them) was removed first.
   */
  env: Record<string, string>;
  cwd: string;
  /**
   * The umask the trainer starts with (077 gives what it writes 0600 / 0700); the worker's
   * own by default.
   */
  umask?: number;
  link: ProgressLink;
  /** After a stop command, how long before SIGINT. */
  stopGraceMs: number;
  /** After SIGTERM, how long before SIGKILL. */
  cancelGraceMs: number;
  onLog(stream: 'stdout' | 'stderr', line: string, replace: boolean): void;
  onProgress(progress: ProgressMessage): void;
}

/** How a trainer process ended. */
export interface TrainerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stopRequested: boolean;
  cancelRequested: boolean;
  /** Set when the program could not be started at all. */
  spawnError?: string;
}

/**
 * A trainer running as a child process in its own process group: output lines and
 * progress come out through callbacks; `stop` asks politely (control message, then
 * SIGINT), `cancel` ends the whole group (SIGTERM, then SIGKILL).
 */
export class TrainerProcess {
  /** Resolves once the process exited, its output was read and the link closed. */
  readonly exited: Promise<TrainerExit>;
  private readonly child: ChildProcess;
  private stopRequested = false;
  private cancelRequested = false;
  private done = false;
  private readonly timers: NodeJS.Timeout[] = [];

  private constructor(private readonly options: TrainerProcessOptions) {
    const [program, ...args] = options.argv;
    const progress = followProgress(options.link, options.onProgress);
    this.child = withUmask(options.umask, () =>
      spawn(program!, args, {
        cwd: options.cwd,
        env: trainerEnvironment(process.env, options.env),
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const out = new LineSplitter((l) => options.onLog('stdout', l.line, l.replace));
    const err = new LineSplitter((l) => options.onLog('stderr', l.line, l.replace));
    this.child.stdout?.on('data', (chunk: Buffer) => out.write(chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => err.write(chunk));
    this.exited = new Promise<TrainerExit>((resolve) => {
      let spawnError: string | undefined;
      this.child.on('error', (error: NodeJS.ErrnoException) => {
        spawnError =
          error.code === 'ENOENT'
            ? `${program} was not found; install it on the worker or fix the profile's command`
            : `${program} could not be started: ${error.message}`;
      });
      this.child.on('exit', () => {
        this.done = true;
        for (const timer of this.timers) clearTimeout(timer);
        // Leftover grandchildren must not outlive the trainer (they would also hold its
        // output pipes open).
        this.killGroup('SIGKILL');
      });
      this.child.on('close', async (code, signal) => {
        out.end();
        err.end();
        this.done = true;
        // Progress still in flight when the process ended is read before the link closes.
        await progress.drain();
        resolve({
          code: spawnError ? null : code,
          signal,
          stopRequested: this.stopRequested,
          cancelRequested: this.cancelRequested,
          ...(spawnError ? { spawnError } : {}),
        });
      });
    });
  }

  /** Starts `options.argv` in a new process group. */
  static start(options: TrainerProcessOptions): TrainerProcess {
    if (options.argv.length === 0) throw new Error('a trainer command needs a program');
    return new TrainerProcess(options);
  }

  /** The trainer's process id (also its process group id). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Asks the trainer to finish its epoch, save and exit: a stop command, then SIGINT. */
  stop(): void {
    if (this.done || this.stopRequested) return;
    this.stopRequested = true;
    void this.options.link.sendStop().catch(() => {});
    this.timers.push(setTimeout(() => this.killGroup('SIGINT'), this.options.stopGraceMs));
  }

  /** Ends the trainer and everything it started: SIGTERM, then SIGKILL after the grace period. */
  cancel(): void {
    if (this.done || this.cancelRequested) return;
    this.cancelRequested = true;
    this.killGroup('SIGTERM');
    this.timers.push(setTimeout(() => this.killGroup('SIGKILL'), this.options.cancelGraceMs));
  }

  private killGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already.
    }
  }
}

/**
 * Runs `fn` (a spawn, which forks synchronously) with the process umask set to `umask`, so
 * the child inherits it; the worker's own is put back at once. Where the umask cannot be
 * set (a worker thread), the child keeps the worker's: the 0700 run folder still keeps
 * what it writes from other users.
 */
function withUmask<T>(umask: number | undefined, fn: () => T): T {
  if (umask === undefined) return fn();
  let previous: number;
  try {
    previous = process.umask(umask);
  } catch {
    return fn();
  }
  try {
    return fn();
  } finally {
    process.umask(previous);
  }
}
