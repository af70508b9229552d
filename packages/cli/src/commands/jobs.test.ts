import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { workerConnect } from '../../test/workerConnect.js';
import { COMMANDS } from '../commands.js';
import { parseCommandArgs } from '../internal/args.js';
import { attachCommand, cancelCommand, jobsCommand, logsCommand, stopCommand } from './jobs.js';
import { trainCommand } from './train.js';

const args = (name: string, ...argv: string[]) =>
  parseCommandArgs(COMMANDS.find((c) => c.name === name)!, argv);

describe('job commands against a real worker over the memory transport', () => {
  let env: Awaited<ReturnType<typeof workerConnect>>;
  beforeAll(async () => {
    env = await workerConnect();
  });
  afterAll(() => env.close());

  it('jobs lists what ran; attach replays a finished job; logs prints its output', async () => {
    const started = fakeIo();
    expect(
      await trainCommand(
        args('train', '--preset', 'quick', '--epochs', '3', '--name', 'first', '--json'),
        started.io,
        env,
      ),
    ).toBe(0);
    const jobId = JSON.parse(started.out().split('\n')[0]!).jobId as string;

    const listed = fakeIo();
    expect(await jobsCommand(args('jobs'), listed.io, env)).toBe(0);
    expect(listed.out()).toMatch(new RegExp(`${jobId}\\s+completed\\s+builtin\\s+first`));

    const attached = fakeIo();
    expect(await attachCommand(args('attach', jobId), attached.io, env)).toBe(0);
    expect(attached.out()).toContain('Epoch 3/3');
    expect(attached.out()).toContain('Remote Training Completed Successfully');

    const logs = fakeIo();
    expect(await logsCommand(args('logs', jobId), logs.io, env)).toBe(0);
    expect(logs.out()).toContain('finished after epoch 3/3');
  });

  it('stop ends a running job after its epoch; cancel ends one now; an unknown job is exit 2', async () => {
    const long = ['--preset', 'quick', '--epochs', '500', '--detach', '--json'];
    const first = fakeIo();
    expect(await trainCommand(args('train', ...long), first.io, env)).toBe(0);
    const stopId = JSON.parse(first.out().trim().split('\n').at(-1)!).jobId as string;
    const stopped = fakeIo();
    expect(await stopCommand(args('stop', stopId), stopped.io, env)).toBe(0);
    expect(await env.worker.waitForJob(stopId)).toBe('completed');

    const second = fakeIo();
    expect(await trainCommand(args('train', ...long), second.io, env)).toBe(0);
    const cancelId = JSON.parse(second.out().trim().split('\n').at(-1)!).jobId as string;
    expect(await cancelCommand(args('cancel', cancelId), fakeIo().io, env)).toBe(0);
    expect(await env.worker.waitForJob(cancelId)).toBe('cancelled');

    await expect(stopCommand(args('stop', 'job-nope'), fakeIo().io, env)).rejects.toMatchObject({
      exitCode: 2,
    });
  });
});
