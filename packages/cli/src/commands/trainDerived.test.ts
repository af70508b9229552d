import { Experiments } from '@trainwire/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { workerConnect } from '../../test/workerConnect.js';
import { COMMANDS } from '../commands.js';
import { parseCommandArgs } from '../internal/args.js';
import { cancelCommand } from './jobs.js';
import { trainCommand } from './train.js';

const spec = (name: string) => COMMANDS.find((c) => c.name === name)!;
const train = (...argv: string[]) => parseCommandArgs(spec('train'), argv);
const ndjson = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
const epochsOf = (events: Array<{ type: string; progress?: { event: string; epoch: number } }>) =>
  events.filter((e) => e.progress?.event === 'epoch_end').map((e) => e.progress!.epoch);

describe('train --continue / --retry (a real worker and trainer over the memory transport)', () => {
  let lab: Awaited<ReturnType<typeof workerConnect>>;
  beforeAll(async () => {
    lab = await workerConnect();
  });
  afterAll(() => lab.close());

  async function experimentsClient() {
    const connection = await lab.connect({});
    const { RpcPeer } = await import('@trainwire/core');
    const peer = new RpcPeer(connection.transport);
    return { experiments: new Experiments(peer), close: () => connection.close() };
  }

  it('--continue EXP --epochs N: a child experiment resumes from the last checkpoint with the new epoch count', async () => {
    const first = fakeIo();
    expect(
      await trainCommand(train('--preset', 'quick', '--epochs', '2', '--json'), first.io, lab),
    ).toBe(0);
    const parentId = ndjson(first.out())[0].jobId as string;

    const second = fakeIo();
    expect(
      await trainCommand(train('--continue', parentId, '--epochs', '4', '--json'), second.io, lab),
    ).toBe(0);
    const events = ndjson(second.out());
    // Epochs 0 and 1 were the parent's: the child trains only what is left.
    expect(epochsOf(events)).toEqual([2, 3]);
    expect(events.at(-1)).toMatchObject({ type: 'state', state: 'completed' });

    const { experiments, close } = await experimentsClient();
    try {
      const lineage = await experiments.lineage(parentId);
      expect(lineage.rootId).toBe(parentId);
      const child = lineage.nodes.find((node) => node.parentId === parentId);
      expect(child).toMatchObject({ relation: 'continue', status: 'completed' });
      expect(child?.checkpointSource).toMatch(/\.json$|checkpoint/);
      const got = await experiments.get(child!.id);
      expect(got.experiment.config).toMatchObject({ epochs: 4 });
    } finally {
      await close();
    }
  }, 60_000);

  it('--retry EXP runs a cancelled experiment again as a new experiment linked to it', async () => {
    const started = fakeIo();
    expect(
      await trainCommand(
        train('--preset', 'quick', '--epochs', '500', '--detach', '--json'),
        started.io,
        lab,
      ),
    ).toBe(0);
    const jobId = JSON.parse(started.out().trim().split('\n').at(-1)!).jobId as string;
    expect(await cancelCommand(parseCommandArgs(spec('cancel'), [jobId]), fakeIo().io, lab)).toBe(
      0,
    );

    const retried = fakeIo();
    const running = trainCommand(train('--retry', jobId, '--json', '--detach'), retried.io, lab);
    expect(await running).toBe(0);
    const { experiments, close } = await experimentsClient();
    try {
      const lineage = await experiments.lineage(jobId);
      const child = lineage.nodes.find((node) => node.parentId === jobId);
      expect(child).toMatchObject({ relation: 'retry' });
      const got = await experiments.get(child!.id);
      expect(got.experiment.config).toMatchObject({ epochs: 500 });
      expect(got.jobIds).toHaveLength(1);
      await cancelCommand(parseCommandArgs(spec('cancel'), [got.jobIds[0]!]), fakeIo().io, lab);
    } finally {
      await close();
    }
  }, 60_000);

  it('flags that would contradict the derived job are refused before anything connects', async () => {
    const t = fakeIo();
    const connect = () => Promise.reject(new Error('must not connect'));
    await expect(
      trainCommand(train('--continue', 'exp-1', '--config', 'x.yaml'), t.io, { connect }),
    ).rejects.toThrow(
      /--continue runs experiment exp-1's profile, config and inputs; drop --config/,
    );
    await expect(
      trainCommand(train('--retry', 'exp-1', '--epochs', '3'), t.io, { connect }),
    ).rejects.toThrow(/--retry runs experiment exp-1 again with its own config/);
    await expect(
      trainCommand(train('--retry', 'exp-1', '--continue', 'exp-2'), t.io, { connect }),
    ).rejects.toThrow(/exclude each other/);
    await expect(trainCommand(train('--retry', '../x'), t.io, { connect })).rejects.toThrow(
      /is not an experiment id/,
    );
  });

  it('an unknown experiment is exit 2 with the worker saying which', async () => {
    const t = fakeIo();
    await expect(trainCommand(train('--continue', 'exp-nope'), t.io, lab)).rejects.toMatchObject({
      code: 'unknown_experiment',
      exitCode: 2,
    });
  });
});
