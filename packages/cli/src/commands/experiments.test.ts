import { RpcPeer } from '@trainwire/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { workerConnect } from '../../test/workerConnect.js';
import { COMMANDS } from '../commands.js';
import { parseCommandArgs } from '../internal/args.js';
import { experimentsCommand } from './experiments.js';
import { modelsCommand } from './models.js';
import { trainCommand } from './train.js';

const args = (name: string, ...argv: string[]) =>
  parseCommandArgs(COMMANDS.find((c) => c.name === name)!, argv);

describe('experiments and models commands against a real worker', () => {
  let env: Awaited<ReturnType<typeof workerConnect>>;
  let jobId: string;
  beforeAll(async () => {
    env = await workerConnect();
    const started = fakeIo();
    await trainCommand(
      args('train', '--preset', 'quick', '--epochs', '2', '--name', 'first', '--json'),
      started.io,
      env,
    );
    jobId = JSON.parse(started.out().split('\n')[0]!).jobId as string;
  }, 60_000);
  afterAll(() => env.close());

  async function run(
    command: typeof experimentsCommand,
    name: string,
    ...argv: string[]
  ): Promise<{ code: number; out: string }> {
    const io = fakeIo();
    const code = await command(args(name, ...argv), io.io, env);
    return { code, out: io.out() };
  }

  it('lists, shows, renames, tags and draws the lineage; --json rows carry id and parentId', async () => {
    const list = await run(experimentsCommand, 'experiments', 'list');
    expect(list.code).toBe(0);
    expect(list.out).toMatch(new RegExp(`${jobId}\\s+completed\\s+first`));
    expect(list.out).toContain('1 experiment(s).');

    const peer = await env.connect({ autoSelect: false });
    const client = new RpcPeer(peer.transport);
    await client.request('experiment.continue', { experimentId: 'child-1', parentId: jobId });

    const json = await run(experimentsCommand, 'experiments', 'list', '--json');
    const rows = json.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => [r.id, r.parentId ?? null])).toEqual([
      ['child-1', jobId],
      [jobId, null],
    ]);

    const shown = await run(experimentsCommand, 'experiments', 'show', jobId);
    expect(shown.out).toContain(`Experiment ${jobId}: first`);
    expect(shown.out).toContain(`Jobs: ${jobId}`);
    expect(shown.out).toMatch(/checkpoint/);

    expect(
      (await run(experimentsCommand, 'experiments', 'rename', 'child-1', 'more', 'epochs')).out,
    ).toBe('Renamed experiment child-1 to "more epochs".\n');
    expect(
      (
        await run(
          experimentsCommand,
          'experiments',
          'tag',
          'child-1',
          '--add',
          'v2',
          '--add',
          'mouse',
        )
      ).out,
    ).toBe('Experiment child-1 is tagged mouse, v2.\n');
    const byTag = await run(experimentsCommand, 'experiments', 'list', '--tag', 'mouse', '--json');
    expect(byTag.out.trim().split('\n')).toHaveLength(1);

    const tree = await run(experimentsCommand, 'experiments', 'lineage', 'child-1');
    expect(tree.out).toBe(
      `${jobId}  first  (completed)\n└─ child-1  more epochs  (created) [continue]  ◀\n`,
    );
    client.dispose();
    await peer.close();
  });

  it('registers and activates models; refusals are exit codes with the worker’s words', async () => {
    const registered = await run(
      modelsCommand,
      'models',
      'register',
      'mouse-pose',
      '--experiment',
      jobId,
      '--json',
    );
    expect(JSON.parse(registered.out)).toMatchObject({
      name: 'mouse-pose',
      version: 1,
      active: false,
    });
    const activated = await run(modelsCommand, 'models', 'activate', 'mouse-pose', '1');
    expect(activated.out).toBe(
      `mouse-pose version 1 from experiment ${jobId} is the active model.\n`,
    );
    const listed = await run(modelsCommand, 'models', 'list', 'mouse-pose');
    expect(listed.out).toMatch(/mouse-pose\s+1\s+● active/);

    await expect(
      run(modelsCommand, 'models', 'register', 'mouse-pose', '--experiment', 'child-1'),
    ).rejects.toMatchObject({ exitCode: 2, code: 'experiment_state' });
    await expect(run(modelsCommand, 'models', 'activate', 'mouse-pose', '7')).rejects.toMatchObject(
      {
        exitCode: 2,
        message: expect.stringContaining('has no version 7 of model mouse-pose'),
      },
    );
    await expect(run(modelsCommand, 'models', 'register', 'bad name')).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('is not a model name'),
    });
    await expect(run(experimentsCommand, 'experiments', 'delete', jobId)).rejects.toMatchObject({
      exitCode: 2,
      code: 'experiment_in_use',
    });
    await expect(
      run(experimentsCommand, 'experiments', 'list', '--status', 'done'),
    ).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('--status takes one of'),
    });

    const deleted = await run(experimentsCommand, 'experiments', 'delete', 'child-1', '--json');
    expect(JSON.parse(deleted.out)).toEqual({
      experimentId: 'child-1',
      jobsDeleted: 0,
      artifactsDeleted: 0,
    });
    await expect(run(experimentsCommand, 'experiments', 'show', 'child-1')).rejects.toMatchObject({
      exitCode: 2,
      code: 'unknown_experiment',
    });
  });
});
