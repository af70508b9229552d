import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { filter, firstValueFrom, of, timeout } from 'rxjs';
import type { TrainerMessage, TrainerReader } from '../src/index.js';

/** Debian's python, which has pyzmq and jsonpickle (the pyenv one on PATH has not). */
const PYTHON = process.env.TRAINWIRE_PYTHON ?? '/usr/bin/python3';
const HERE = dirname(fileURLToPath(import.meta.url));

/** A Python script from this folder, run as a child process speaking JSON lines. */
export class PythonPeer {
  readonly lines: Record<string, unknown>[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;
  private waiters: (() => void)[] = [];

  constructor(script: string, args: string[]) {
    this.child = spawn(PYTHON, ['-u', join(HERE, script), ...args]);
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
      this.wake();
    });
    this.child.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code) => {
        this.wake();
        resolve(code);
      });
    });
  }

  /** Resolves with the first line matching `predicate`; rejects after `timeoutMs`. */
  async waitFor(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs = 20_000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(predicate);
      if (found) return found;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(
          `no matching line from ${this.child.spawnargs.join(' ')}; got ${JSON.stringify(this.lines)}; stderr: ${this.stderr.join('')}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Writes one command line to the script's stdin. */
  send(line: string): void {
    if (this.child.stdin.writable) this.child.stdin.write(`${line}\n`);
  }

  /** Ends the script (closing stdin first, then a signal if it lingers). */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await this.exited;
    clearTimeout(timer);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** True for the `{"event": "hello"}` that fake_sleap_nn_trainer.py repeats until "go". */
function isHello(message: TrainerMessage): boolean {
  return (
    message.kind === 'raw' &&
    typeof message.raw === 'object' &&
    message.raw !== null &&
    (message.raw as { event?: unknown }).event === 'hello'
  );
}

/**
 * Starts fake_sleap_nn_trainer.py against `reader` (with `args` after the two addresses),
 * waits up to `timeoutMs` for the reader to hear its hello (the PUB link is up, so no
 * message is lost to ZeroMQ's slow joiner), then tells it to go. `hello` is the message
 * heard, or null when none came in time; the caller asserts on it. `start` starts the
 * peer (a test passes one that also registers its cleanup).
 */
export async function startTrainer(
  reader: TrainerReader,
  args: string[],
  start: (script: string, args: string[]) => PythonPeer,
  timeoutMs = 20_000,
): Promise<{ trainer: PythonPeer; hello: TrainerMessage | null }> {
  // Listen before the trainer starts: messages$ is hot.
  const heard = firstValueFrom(
    reader.messages$.pipe(filter(isHello), timeout({ first: timeoutMs, with: () => of(null) })),
    { defaultValue: null },
  );
  const trainer = start('fake_sleap_nn_trainer.py', [
    '--publish-address',
    reader.publishAddress,
    '--control-address',
    reader.controlAddress,
    ...args,
  ]);
  const hello = await heard;
  trainer.send('go');
  return { trainer, hello };
}
