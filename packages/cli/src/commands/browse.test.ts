import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { workerConnect } from '../../test/workerConnect.js';
import { COMMANDS } from '../commands.js';
import { parseCommandArgs } from '../internal/args.js';
import { browseCommand } from './browse.js';
import { resolvePathsCommand } from './resolvePaths.js';

const args = (name: string, ...argv: string[]) =>
  parseCommandArgs(COMMANDS.find((c) => c.name === name)!, argv);

describe('browse and resolve-paths against a real worker', () => {
  let env: Awaited<ReturnType<typeof workerConnect>>;
  let datasets: string;
  beforeAll(async () => {
    env = await workerConnect();
    datasets = join(env.dataDir, 'datasets');
    mkdirSync(join(datasets, 'proj'), { recursive: true });
    writeFileSync(join(datasets, 'proj', 'labels.slp'), 'x'.repeat(100));
    writeFileSync(join(datasets, 'proj', 'video.mp4'), 'y'.repeat(300));
  });
  afterAll(() => env.close());

  it('lists the shared folders, then a folder', async () => {
    const mounts = fakeIo();
    expect(await browseCommand(args('browse'), mounts.io, env)).toBe(0);
    expect(mounts.out()).toMatch(/datasets\s+\S+datasets\s+\(read-only\)/);
    const folder = fakeIo();
    expect(await browseCommand(args('browse', join(datasets, 'proj')), folder.io, env)).toBe(0);
    expect(folder.out()).toMatch(/- +100 {2}labels\.slp/);
  });

  it('takes a mount name as `browse` lists it for that folder, and a path under it', async () => {
    const root = fakeIo();
    expect(await browseCommand(args('browse', 'datasets'), root.io, env)).toBe(0);
    expect(root.out()).toMatch(/^d +\d+ {2}proj\/$/m);
    const sub = fakeIo();
    expect(await browseCommand(args('browse', 'datasets/proj'), sub.io, env)).toBe(0);
    expect(sub.out()).toMatch(/- +300 {2}video\.mp4/);
    await expect(browseCommand(args('browse', 'nope'), fakeIo().io, env)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining(
        'gpu-server-01 has no shared folder named "nope" (its folders: ',
      ),
    });
  });

  it('ranks candidates for missing inputs and exits 2 without a terminal; --map-path resolves them', async () => {
    const missing = fakeIo();
    const inputs = [
      '--input',
      'labels=/Users/me/proj/labels.slp',
      '--input',
      'video=/Users/me/proj/video.mp4',
    ];
    expect(await resolvePathsCommand(args('resolve-paths', ...inputs), missing.io, env)).toBe(2);
    expect(missing.out()).toContain(
      `candidate: ${join(datasets, 'proj', 'labels.slp')} (100 bytes, name)`,
    );
    const mapped = fakeIo();
    expect(
      await resolvePathsCommand(
        args('resolve-paths', ...inputs, '--map-path', `/Users/me=${datasets}`),
        mapped.io,
        env,
      ),
    ).toBe(0);
    expect(mapped.out()).toContain(`--input labels=${join(datasets, 'proj', 'labels.slp')}`);
  });
});
