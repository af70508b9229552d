import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryTransportPair } from '@trainwire/core/testing';
import { createWorker, type Worker } from '@trainwire/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { COMMANDS } from '../commands.js';
import { parseCommandArgs } from '../internal/args.js';
import type { RemoteDeps } from '../internal/Connection.js';
import { readinessCommand } from './readiness.js';

const spec = COMMANDS.find((c) => c.name === 'readiness')!;
const args = (...argv: string[]) => parseCommandArgs(spec, argv);

// A real worker with one profile whose trainer is not installed.
let worker: Worker;
let deps: RemoteDeps;
beforeAll(async () => {
  worker = await createWorker(
    {
      dataDir: mkdtempSync(join(tmpdir(), 'tw-cli-ready-')),
      name: 'gpu-server-01',
      profiles: [{ id: 'absent', command: ['/opt/nowhere/trainer', '{config}'] }],
    },
    { runCommand: async () => Promise.reject(new Error('no nvidia-smi')) },
  );
  deps = {
    connect: async () => {
      const [client, server] = createMemoryTransportPair({ latencyMs: 1 });
      worker.accept(server);
      await Promise.all([client.connect(), server.connect()]);
      return { transport: client, worker: worker.info(), close: () => client.close() };
    },
  };
});
afterAll(() => worker.close());

describe('trainwire readiness (a real worker)', () => {
  it('says the worker can train, its GPU line, and why a profile cannot', async () => {
    const t = fakeIo();
    expect(await readinessCommand(args('--log'), t.io, deps), t.err()).toBe(0);
    expect(t.out()).toMatch(/^gpu-server-01 is ready to train\. GPU: Not detected.*Devices: cpu/);
    expect(t.out()).toMatch(/\nbuiltin\s+yes\s/);
    expect(t.out()).toMatch(/\nabsent\s+no: .*\/opt\/nowhere\/trainer/);
    expect(t.out()).toMatch(/\/opt\/nowhere\/trainer \(not found\)/);
  });

  it('--json: the worker\u2019s readiness answer with its name', async () => {
    const t = fakeIo();
    expect(await readinessCommand(args('--json', '--refresh'), t.io, deps)).toBe(0);
    const answer = JSON.parse(t.out());
    expect(answer).toMatchObject({ worker: 'gpu-server-01', cached: false, cpuOnly: false });
    const absent = answer.profiles.find((p: { profile: string }) => p.profile === 'absent');
    expect(absent).toMatchObject({ ready: false, command: { found: false } });
  });
});
