import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanTempDirs, tempDir } from './__tests__/helpers.js';
import { startWorker } from './__tests__/workerHarness.js';
import type { PeerIdentity } from './PeerIdentity.js';
import type { Worker } from './Worker.js';
import type { WorkerLogEntry } from './WorkerLogEntry.js';

const workers: Worker[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(workers.splice(0).map((w) => w.close()));
  cleanTempDirs();
});

const alice: PeerIdentity = { credentialId: 'a1b2c3d4e5f6', role: 'client', name: 'alice' };

async function setup(logger?: (entry: WorkerLogEntry) => void) {
  const base = tempDir();
  const data = join(base, 'data');
  const secret = join(base, 'lab-secrets');
  mkdirSync(data);
  mkdirSync(secret);
  writeFileSync(join(secret, 'labels.slp'), 'private');
  symlinkSync(secret, join(data, 'shared'));
  symlinkSync('/proc/self/environ', join(data, 'env'));
  const started = await startWorker(
    { dataDir: join(base, 'worker'), mounts: [{ name: 'data', path: data }] },
    {},
    logger ? { logger } : {},
  );
  workers.push(started.worker);
  return { ...started, data, secret, as: await started.connect(alice) };
}

describe('denials reveal nothing', () => {
  it("a symlink escape is refused without where it leads or the worker's pid; the worker's log has both", async () => {
    const log: WorkerLogEntry[] = [];
    const { as, data, secret } = await setup((entry) => log.push(entry));
    const viaLink = join(data, 'shared', 'labels.slp');
    const environ = join(data, 'env');
    const messages: string[] = [];
    for (const path of [viaLink, environ]) {
      const refusals = await Promise.all([
        as
          .request('job.start', {
            jobId: `j-${messages.length}`,
            spec: { profile: 'builtin', config: {}, inputs: { dataset: path } },
          })
          .catch((e: Error) => e),
        as.request('file.download', { path, transferId: 't1', offset: 0 }).catch((e: Error) => e),
        as.request('paths.list', { path }).catch((e: Error) => e),
      ]);
      for (const refusal of refusals) {
        expect(refusal).toMatchObject({ code: 'path_denied' });
        messages.push((refusal as Error).message);
      }
      const check = await as.request('paths.check', { paths: [path] });
      messages.push(check.results[0]?.denied ?? '');
    }
    for (const message of messages) {
      expect(message).toMatch(/outside the folders this worker shares/);
      expect(message).not.toContain(secret);
      expect(message).not.toContain('lab-secrets');
      expect(message).not.toContain(String(process.pid));
    }
    const denied = log.filter((e) => e.event === 'path_denied');
    expect(denied.find((e) => e.path === viaLink)).toMatchObject({
      credentialId: alice.credentialId,
      resolved: join(secret, 'labels.slp'),
      message: expect.stringContaining(`client alice (credential ${alice.credentialId})`),
    });
    expect(denied.find((e) => e.path === environ)?.message).toContain(
      `/proc/${process.pid}/environ`,
    );
  });

  it('logs to stderr by default', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const { as, data, secret } = await setup();
    await as.request('paths.check', { paths: [join(data, 'shared', 'labels.slp')] });
    expect(lines.join('')).toMatch(
      new RegExp(`^\\d{4}-\\d\\d-\\d\\dT.*trainwire worker: path denied .*${secret}`, 'm'),
    );
  });
});
