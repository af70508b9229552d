// A child process of memory.bench that takes commands as JSON lines (memory/peer.mjs):
// each `call` carries an id and waits for the line with that id, so a late answer (a
// transfer that timed out) never passes for the answer to the next command.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Starts `node --expose-gc script ...args` and waits for its `{"ready":true}` line.
 * @returns {{ hello: object, call(cmd: string, args?: object, timeoutMs?: number): Promise<object>, stop(): Promise<void>, exited: Promise<number | null> }}
 * @example
 *   const worker = await startCommandPeer(PEER, ['worker', url, room, key, dir], env, 'worker');
 *   const { baselineMiB } = await worker.call('meter-start');
 */
export async function startCommandPeer(script, args, env, label, startTimeoutMs = 60_000) {
  const child = spawn(process.execPath, ['--expose-gc', script, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env,
  });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  // A child that died mid-write: its exit, not EPIPE, is what the bench reports.
  child.stdin.on('error', () => undefined);
  const pending = new Map();
  let nextId = 0;
  let ready;
  const hello = new Promise((resolve, reject) => {
    ready = { resolve, reject };
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      console.error(`${label}: ${line}`);
      return;
    }
    if (message.id === undefined) {
      if (message.error) ready.reject(new Error(`${label}: ${message.error}`));
      else ready.resolve(message);
      return;
    }
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (!waiter) return;
    if (message.error) waiter.reject(new Error(`${label}: ${message.error}`));
    else waiter.resolve(message);
  });
  exited.then((code) => {
    const gone = new Error(`${label} exited (${code}) before answering`);
    ready.reject(gone);
    for (const waiter of pending.values()) waiter.reject(gone);
    pending.clear();
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const late = await Promise.race([exited, new Promise((r) => setTimeout(r, 8_000, 'late'))]);
    if (late === 'late') child.kill('SIGKILL');
    await exited;
  };
  const withDeadline = (promise, ms, what) => {
    let timer;
    const deadline = new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${label}: no answer to ${what} in ${ms / 1000} s`)),
        ms,
      );
    });
    return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
  };
  try {
    return {
      hello: await withDeadline(hello, startTimeoutMs, 'start'),
      exited,
      stop,
      call(cmd, args = {}, timeoutMs = 60_000) {
        const id = nextId++;
        const answer = new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
        child.stdin.write(`${JSON.stringify({ id, cmd, ...args })}\n`);
        return withDeadline(answer, timeoutMs, cmd);
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
