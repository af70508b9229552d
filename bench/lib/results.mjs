// What every bench shares: its results file, percentiles, and child processes that talk
// in JSON lines.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** bench/results/, where each bench writes `<name>.json` and report.mjs reads them. */
export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/**
 * Writes `bench/results/<name>.json` with `data`, stamped with the time and the machine.
 * @example
 *   writeResults('core-stream', { subjectPerSec, sessionPerSec });
 */
export function writeResults(name, data) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamped = { bench: name, at: new Date().toISOString(), node: process.version, ...data };
  const path = `${RESULTS_DIR}${name}.json`;
  writeFileSync(path, `${JSON.stringify(stamped, null, 2)}\n`);
  // stderr, so that a bench printing JSON on stdout stays parseable.
  console.error(`wrote ${path}`);
}

/** The middle value of `values` (the upper one of an even count). */
export const median = (values) => [...values].sort((x, y) => x - y)[values.length >> 1];

/** n, p50, p99 and max of `samples`. */
export function percentiles(samples) {
  const sorted = [...samples].sort((x, y) => x - y);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return { n: sorted.length, p50: at(50), p99: at(99), max: sorted.at(-1) };
}

/**
 * Starts `command args` with JSON lines on stdout; `next()` resolves with the next
 * parsed line (rejecting after `timeoutMs`, or when the process exits first), `send(obj)`
 * writes one to its stdin.
 * @example
 *   const peer = spawnJsonPeer(process.execPath, ['peer.mjs']); const hello = await peer.next();
 */
export function spawnJsonPeer(command, args, { env = process.env } = {}) {
  const label = args.find((arg) => arg.endsWith('.mjs')) ?? command;
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'], env });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    async next(timeoutMs = 60_000) {
      let timer;
      const deadline = new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer from ${label} in ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        const { value, done } = await Promise.race([lines.next(), deadline]);
        if (done) throw new Error(`${label} exited before answering`);
        return JSON.parse(value);
      } finally {
        clearTimeout(timer);
      }
    },
    send: (message) => child.stdin.write(`${JSON.stringify(message)}\n`),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const gone = await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000, 'late'))]);
      if (gone === 'late') child.kill('SIGKILL');
    },
  };
}
