import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSignalingServer, type SignalingServer } from '@trainwire/transport-webrtc';
import { createWorker, type Worker } from '@trainwire/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goOnline, type OnlineWorker } from './internal/goOnline.js';

const BIN = fileURLToPath(new URL('../bin/trainwire.js', import.meta.url));
const DIST_IO = fileURLToPath(new URL('../dist/Io.js', import.meta.url));

/**
 * Runs the built `trainwire` with its stdout (or stderr) read by a reader that has already
 * gone away, as `trainwire jobs | head -1` leaves it once `head` has its line.
 */
function runIntoClosedPipe(
  args: string[],
  closed: 'stdout' | 'stderr',
  env: Record<string, string> = {},
): Promise<{ code: number | null; signal: string | null; other: string }> {
  if (!existsSync(fileURLToPath(new URL('../dist/main.js', import.meta.url))))
    throw new Error('the CLI is not built: run `npm run build` first');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, CI: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child[closed].destroy();
    let other = '';
    child[closed === 'stdout' ? 'stderr' : 'stdout'].on('data', (d: Buffer) => (other += d));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, other }));
  });
}

describe('a reader that closes early (EPIPE)', () => {
  it('`trainwire --help | head -1` ends quietly with exit 0, no stack trace', async () => {
    const result = await runIntoClosedPipe(['--help'], 'stdout');
    expect(result.other).toBe('');
    expect(result.code).toBe(0);
  });

  it("a closed stderr ends with the command's own exit code, not a crash", async () => {
    const result = await runIntoClosedPipe(['no-such-command'], 'stderr');
    expect(result.other).toBe('');
    expect(result.code).toBe(2);
  });

  describe('`trainwire jobs | head -1` against a worker online in a room', () => {
    let server: SignalingServer;
    let worker: Worker;
    let online: OnlineWorker;
    let env: Record<string, string>;
    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tw-epipe-'));
      server = await createSignalingServer({ host: '127.0.0.1', port: 0, dataDir: dir });
      server.createRoom('lab');
      const key = server.createCredential('lab', 'worker-key').secret;
      const token = server.createCredential('lab', 'room-token').secret;
      worker = await createWorker(
        { dataDir: join(dir, 'worker'), name: 'gpu-pipe' },
        { runCommand: async () => Promise.reject(new Error('no nvidia-smi')) },
      );
      online = await goOnline(worker, { url: server.url, room: 'lab', credential: key });
      env = { TRAINWIRE_URL: server.url, TRAINWIRE_ROOM: 'lab', TRAINWIRE_TOKEN: token };
    });
    afterAll(async () => {
      await online?.close();
      await worker?.close();
      await server?.close();
    });

    it('ends quietly with exit 0', async () => {
      const result = await runIntoClosedPipe(['jobs'], 'stdout', env);
      expect(result.other).not.toMatch(/EPIPE|Error|at /);
      expect(result.code).toBe(0);
    });
  });
});

describe('SIGTERM through the real process Io', () => {
  it('runs the handler a command registered, then the command ends with 143 even if it lingers', async () => {
    // A command that says what happens to its job on SIGTERM but never returns.
    const script = `
      import { processIo } from ${JSON.stringify(DIST_IO)};
      const io = processIo();
      io.onTerminate(() => io.stderr.write('the job goes on\\n'));
      process.stdout.write('ready\\n');
      setInterval(() => undefined, 1000);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d));
    await new Promise<void>((ready) => child.stdout.once('data', () => ready()));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    expect(err).toBe('the job goes on\n');
    expect(code).toBe(143);
  });
});
