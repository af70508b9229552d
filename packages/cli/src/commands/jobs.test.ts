import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { scriptedConnect } from '../../test/scriptedConnect.js';
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
    expect(stopped.out()).toContain(
      `Asked job ${stopId} on gpu-server-01 to stop: it finishes its epoch, saves a checkpoint and ends.`,
    );
    expect(stopped.out()).not.toContain('(now');
    expect(await env.worker.waitForJob(stopId)).toBe('completed');
    const again = fakeIo();
    expect(await stopCommand(args('stop', stopId), again.io, env)).toBe(0);
    expect(again.out()).toContain(`Job ${stopId} had already ended (completed); nothing to stop.`);

    const second = fakeIo();
    expect(await trainCommand(args('train', ...long), second.io, env)).toBe(0);
    const cancelId = JSON.parse(second.out().trim().split('\n').at(-1)!).jobId as string;
    const cancelled = fakeIo();
    expect(await cancelCommand(args('cancel', cancelId), cancelled.io, env)).toBe(0);
    // Said once the job has ended, not "(now running)" as the worker answered at once.
    expect(cancelled.out()).toBe(`Cancelled job ${cancelId} on gpu-server-01.\n`);
    expect(env.worker.jobs.getJob(cancelId)?.state).toBe('cancelled');

    const unknown = await stopCommand(args('stop', 'job-nope'), fakeIo().io, env).catch(
      (e: unknown) => e,
    );
    expect(unknown).toMatchObject({
      exitCode: 2,
      message:
        'gpu-server-01 has no job job-nope; list its jobs with `trainwire jobs --worker gpu-server-01`',
    });
  });

  it('a JOB that is not a job id is exit 2 in words, never naming a protocol method', async () => {
    for (const command of ['attach', 'logs', 'stop', 'cancel'] as const) {
      const run = {
        attach: attachCommand,
        logs: logsCommand,
        stop: stopCommand,
        cancel: cancelCommand,
      }[command];
      const error = await run(args(command, '../etc'), fakeIo().io, env).catch((e: unknown) => e);
      expect(error).toMatchObject({
        exitCode: 2,
        message: expect.stringContaining('"../etc" is not a job id'),
      });
      expect((error as Error).message).not.toMatch(/job\.\w+|params/);
    }
  });
});

describe('attach to a running job', () => {
  it('shows each epoch once, the ones before the attach included', async () => {
    const { connect } = scriptedConnect({ epochMs: 20 });
    const started = fakeIo();
    await trainCommand(args('train', '--epochs', '8', '--detach', '--json'), started.io, {
      connect,
    });
    const jobId = JSON.parse(started.out().trim().split('\n').at(-1)!).jobId as string;
    await new Promise((r) => setTimeout(r, 70)); // a few epochs in
    const t = fakeIo();
    expect(await attachCommand(args('attach', jobId), t.io, { connect })).toBe(0);
    const epochs = t.out().match(/^Epoch \d+\/8/gm);
    expect(epochs).toEqual(Array.from({ length: 8 }, (_, i) => `Epoch ${i + 1}/8`));
  });

  it('SIGTERM stops following and says the job goes on, exit 143; the job runs on', async () => {
    const { connect, worker } = scriptedConnect({ epochMs: 30 });
    const started = fakeIo();
    await trainCommand(args('train', '--epochs', '100', '--detach', '--json'), started.io, {
      connect,
    });
    const jobId = JSON.parse(started.out().trim().split('\n').at(-1)!).jobId as string;
    const t = fakeIo();
    const attached = attachCommand(args('attach', jobId), t.io, { connect });
    while (!t.out().includes('Epoch ')) await new Promise((r) => setTimeout(r, 5));
    t.terminate();
    expect(await attached).toBe(143);
    expect(t.err()).toContain(
      `Stopped following job ${jobId} (SIGTERM): the job is still running on gpu-server-01.`,
    );
    expect(t.err()).toContain(`trainwire stop ${jobId} --worker gpu-server-01`);
    expect(worker.store.getJob(jobId)?.state).toBe('running');
  });
});
