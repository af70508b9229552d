import { createScriptedSetup } from '@trainwire/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { ExitCode } from '../errors.js';
import { followSession } from './followSession.js';

// What a person at the terminal reads when the worker goes away, and what Ctrl-C does.

const disposers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

async function setup() {
  const ready = await createScriptedSetup({ manager: { reconnectForMs: 60_000 } });
  disposers.push(ready.dispose);
  return ready;
}

describe('following a job whose worker goes away', () => {
  it('says the worker is unreachable with the last epoch, then gives up with exit 3', async () => {
    const { clock, client, manager } = await setup();
    const session = manager.submit({ profile: 'builtin', config: { epochs: 100 } });
    const term = fakeIo();
    const code = followSession(session, term.io, {
      json: false,
      workerName: 'w1',
      waitForWorkerMs: 60_000,
    });
    await clock.tick(3_500, 100);
    client.silence();
    await clock.tick(40_000, 500);
    expect(term.err()).toMatch(/Worker w1 is unreachable \(no word from worker w1 for 3\d s\)/);
    expect(term.err()).toContain('Last known: epoch 3/100');
    expect(term.err()).toContain('The job may still be running');
    await clock.tick(70_000, 1_000);
    expect(await code).toBe(ExitCode.connection);
    expect(term.out()).toContain('Lost Contact With The Worker');
    expect(term.out()).toContain(`trainwire attach ${session.jobId}`);
    expect(term.out()).not.toContain('Remote Training Failed');
  });

  it('says when the worker is back, and ends with every epoch once', async () => {
    const { clock, client, manager } = await setup();
    const session = manager.submit({ profile: 'builtin', config: { epochs: 20 } });
    const term = fakeIo();
    const code = followSession(session, term.io, {
      json: false,
      workerName: 'w1',
    });
    await clock.tick(3_000, 100);
    client.silence();
    await clock.tick(40_000, 500);
    client.silence(false);
    await clock.tick(30_000, 200);
    expect(await code).toBe(ExitCode.ok);
    expect(term.err()).toContain(`Worker w1 is back; following job ${session.jobId} again.`);
    const lines = term.out().match(/^Epoch \d+\/20/gm) ?? [];
    expect(lines).toEqual([...Array(20).keys()].map((i) => `Epoch ${i + 1}/20`));
  });

  it('Ctrl-C while the worker is unreachable stops waiting at once (no "could not stop")', async () => {
    const { clock, client, manager } = await setup();
    const session = manager.submit({ profile: 'builtin', config: { epochs: 100 } });
    const term = fakeIo();
    const code = followSession(session, term.io, {
      json: false,
      workerName: 'w1',
    });
    await clock.tick(2_000, 100);
    client.silence();
    await clock.tick(40_000, 500);
    term.interrupt();
    expect(await code).toBe(ExitCode.interrupted);
    expect(term.err()).toContain('Stopped waiting for worker w1');
    expect(term.err()).toContain(`trainwire stop ${session.jobId}`);
  });
});

describe('attach', () => {
  it('Ctrl-C detaches and leaves the job running', async () => {
    const { clock, manager, worker } = await setup();
    const started = manager.submit({ profile: 'builtin', config: { epochs: 100 } });
    await clock.tick(2_000, 100);
    const term = fakeIo();
    const code = followSession(started, term.io, {
      json: false,
      workerName: 'w1',
      ownsJob: false,
    });
    await clock.tick(1_000, 100);
    term.interrupt();
    expect(await code).toBe(ExitCode.interrupted);
    expect(term.err()).toContain(`Detached from job ${started.jobId}; it goes on running on w1`);
    await clock.tick(3_000, 100);
    expect(worker.store.getJob(started.jobId)?.state).toBe('running');
  });

  it('a completed job is not "stopped early", and names its id and the fetch command', async () => {
    const { clock, manager } = await setup();
    const session = manager.submit({ profile: 'builtin', config: { epochs: 3 } });
    const term = fakeIo();
    const code = followSession(session, term.io, {
      json: false,
      workerName: 'w1',
    });
    await clock.tick(10_000, 100);
    expect(await code).toBe(ExitCode.ok);
    expect(term.out()).toContain('Remote Training Completed Successfully');
    expect(term.out()).not.toContain('Stopped early');
    expect(term.out()).toContain(`trainwire fetch ${session.jobId}`);
  });
});
