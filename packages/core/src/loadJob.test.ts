import { afterEach, describe, expect, it } from 'vitest';
import { loadJob } from './loadJob.js';
import { createScriptedSetup, linkToScriptedWorker } from './testing/scriptedSetup.js';

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

describe('loadJob', () => {
  it("resolves once the job's whole history is in, artifacts included", async () => {
    const first = await createScriptedSetup();
    disposers.push(first.dispose);
    const ran = first.manager.submit({ profile: 'builtin', config: { epochs: 3 } });
    await first.clock.tick(5_000, 100);
    expect((await ran.done).state).toBe('completed');
    // A second link, as another client would have: a new session, filled from the worker.
    const transport = await linkToScriptedWorker(first.worker, first.clock);
    disposers.push(() => transport.close());
    const seenAt: number[] = [];
    const loading = loadJob(first.manager, ran.jobId, {
      transport,
      watch: (session) => seenAt.push(session.getSnapshot().lastSeq),
    });
    await first.clock.tick(1_000, 10);
    const session = await loading;
    const snapshot = session.getSnapshot();
    expect(snapshot.state).toBe('completed');
    expect(snapshot.progress.completedEpochs).toBe(3);
    expect(snapshot.artifacts.map((a) => a.kind)).toContain('checkpoint');
    expect(session).not.toBe(ran);
    expect(snapshot.lastSeq).toBe(ran.getSnapshot().lastSeq);
    expect(seenAt).toEqual([0]);
  });

  it("rejects with the worker's unknown_job", async () => {
    const { clock, manager, dispose } = await createScriptedSetup();
    disposers.push(dispose);
    const loading = loadJob(manager, 'job-nope');
    loading.catch(() => undefined);
    await clock.tick(100, 10);
    await expect(loading).rejects.toMatchObject({ code: 'unknown_job' });
  });
});
