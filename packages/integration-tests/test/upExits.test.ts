import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, requireBuilt } from './cli.js';

/** Runs `trainwire ARGS`; kills it after `limitMs` and says so, instead of waiting forever. */
function runWithin(
  args: string[],
  limitMs: number,
): Promise<{ code: number | null; killed: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdout.resume();
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, killed, stderr });
    });
  });
}

describe('trainwire up ends its process when it fails', () => {
  let dir: string;

  beforeAll(() => {
    requireBuilt();
    dir = mkdtempSync(join(tmpdir(), 'tw-up-exit-'));
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a malformed --zmq-publish is exit 2 naming the flag', async () => {
    const result = await runWithin(
      ['up', '--data-dir', join(dir, 'bogus'), '--epochs', '2', '--zmq-publish', 'bogus'],
      30_000,
    );
    expect(result.killed, result.stderr).toBe(false);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('--zmq-publish');
  });

  it('an address that fails only once the job is running still lets the process exit', async () => {
    // Well formed, but ZeroMQ refuses it when the feed connects (the path is too long for
    // a Unix socket): the error comes after the server, worker and connection are open.
    const tooLong = `ipc://${join(dir, 'x'.repeat(200))}`;
    const result = await runWithin(
      ['up', '--data-dir', join(dir, 'late'), '--epochs', '2', '--zmq-publish', tooLong],
      60_000,
    );
    expect(result.killed, `still running after 60 s:\n${result.stderr}`).toBe(false);
    expect(result.code, result.stderr).not.toBe(0);
    expect(result.stderr).toContain('trainwire up:');
  });
});
