import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryTransportPair } from '@trainwire/core/testing';
import { createWorker, type Worker } from '@trainwire/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { COMMANDS } from '../commands.js';
import { parseCommandArgs } from '../internal/args.js';
import type { Connect, RemoteDeps } from '../internal/Connection.js';
import { artifactsCommand } from './artifacts.js';
import { experimentsCommand } from './experiments.js';
import { modelsCommand } from './models.js';
import { trainCommand } from './train.js';

const argsOf = (name: string) => {
  const spec = COMMANDS.find((c) => c.name === name)!;
  return (...argv: string[]) => parseCommandArgs(spec, argv);
};

// Two real workers (SQLite, trainer processes) over the memory transport, one trained run
// each; a third name the room lists whose link closes before it answers, and a fourth
// that cannot be reached at all.
const workers = new Map<string, Worker>();
let deps: RemoteDeps;
beforeAll(async () => {
  for (const name of ['gpu-a', 'gpu-b']) {
    const dataDir = mkdtempSync(join(tmpdir(), `tw-cli-${name}-`));
    workers.set(
      name,
      await createWorker(
        { dataDir, name },
        { runCommand: async () => Promise.reject(new Error('no nvidia-smi')) },
      ),
    );
  }
  const connect: Connect = async ({ worker: name }) => {
    if (name === 'gpu-gone') throw new Error('no worker gpu-gone online in room lab');
    const worker = workers.get(name === 'gpu-closing' ? 'gpu-b' : name!)!;
    const [client, server] = createMemoryTransportPair({ latencyMs: 1 });
    worker.accept(server);
    await Promise.all([client.connect(), server.connect()]);
    if (name === 'gpu-closing') await client.close();
    return { transport: client, worker: worker.info(), close: () => client.close() };
  };
  deps = { connect, listWorkers: async () => ['gpu-a', 'gpu-b', 'gpu-closing', 'gpu-gone'] };
  for (const name of ['gpu-a', 'gpu-b']) {
    const t = fakeIo();
    const code = await trainCommand(
      argsOf('train')('--worker', name, '--epochs', '2', '--name', `run-on-${name}`),
      t.io,
      deps,
    );
    expect(code, t.err()).toBe(0);
  }
}, 60_000);
afterAll(async () => {
  for (const worker of workers.values()) await worker.close();
});

describe('--all-workers: one list over the room, each row naming its worker', () => {
  it('experiments list: both workers\u2019 rows, newest first; the two that did not answer named on stderr', async () => {
    const t = fakeIo();
    const code = await experimentsCommand(
      argsOf('experiments')('list', '--all-workers'),
      t.io,
      deps,
    );
    expect(code, t.err()).toBe(0);
    const rows = t.out().trim().split('\n');
    expect(rows[0]).toMatch(/^WORKER\s+ID\s+STATUS\s+NAME/);
    expect(rows.slice(1).map((row) => row.split(/\s+/)[0])).toEqual(['gpu-b', 'gpu-a']);
    expect(t.out()).toContain('run-on-gpu-a');
    expect(t.out()).toContain('run-on-gpu-b');
    const errors = t.err().trim().split('\n');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/gpu-closing.*its rows are missing/);
    expect(errors[1]).toBe(
      'worker gpu-gone could not be reached (no worker gpu-gone online in room lab); its rows are missing',
    );
  });

  it('models list and artifacts list --json: a row a line, each with its worker', async () => {
    const models = fakeIo();
    expect(
      await modelsCommand(argsOf('models')('list', '--all-workers', '--json'), models.io, deps),
    ).toBe(0);
    const listed = models
      .out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(listed.map((m) => [m.worker, m.name]).sort()).toEqual([
      ['gpu-a', 'run-on-gpu-a'],
      ['gpu-b', 'run-on-gpu-b'],
    ]);
    const artifacts = fakeIo();
    expect(
      await artifactsCommand(
        argsOf('artifacts')('list', '--all-workers', '--kind', 'model', '--json'),
        artifacts.io,
        deps,
      ),
    ).toBe(0);
    const rows = artifacts
      .out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(new Set(rows.map((a) => a.worker))).toEqual(new Set(['gpu-a', 'gpu-b']));
    expect(rows.every((a) => a.kind === 'model')).toBe(true);
  });

  it('a room where no worker answers is a connection error (exit 3); --all-workers only lists', async () => {
    const lonely: RemoteDeps = { ...deps, listWorkers: async () => ['gpu-gone'] };
    await expect(
      experimentsCommand(argsOf('experiments')('list', '--all-workers'), fakeIo().io, lonely),
    ).rejects.toMatchObject({ exitCode: 3 });
    await expect(
      experimentsCommand(argsOf('experiments')('show', 'x', '--all-workers'), fakeIo().io, deps),
    ).rejects.toThrow(/--all-workers lists/);
  });
});
