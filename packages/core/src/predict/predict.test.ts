import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryDownloadTarget } from '../artifacts/memoryDownloadTarget.js';
import { JobSpecSchema } from '../schemas/JobSpec.js';
import { sha256Hex } from '../testing/ScriptedWorker.js';
import { createScriptedSetup } from '../testing/scriptedSetup.js';
import { fetchPredictions, predictionsOf } from './fetchPredictions.js';
import { predictSpec, submitPredict } from './submitPredict.js';

const INPUT = '/data/points.csv';

/** An in-memory download target (core's own) and where its file is. */
function memoryTarget() {
  const download = createMemoryDownloadTarget(sha256Hex);
  return { target: download.target, file: () => download.file() };
}

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

async function setup() {
  const ready = await createScriptedSetup({
    worker: { files: { [INPUT]: { size: 10 } } },
  });
  disposers.push(ready.dispose);
  const { clock } = ready;
  /** Runs `work` with virtual time moving until it settles (hashing runs on real time). */
  const settle = async <T>(work: Promise<T>): Promise<T> => {
    let done = false;
    const end = () => {
      done = true;
    };
    work.then(end, end);
    while (!done) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      await clock.tick(100);
    }
    return work;
  };
  return { ...ready, settle };
}

describe('predict from the client', () => {
  it('builds a predict spec: the model, and the input as role input', () => {
    const spec = JobSpecSchema.parse(
      predictSpec({
        profile: 'builtin',
        model: { name: 'spirals', version: 2 },
        input: INPUT,
        device: 'cpu',
      }),
    );
    expect(spec).toMatchObject({
      profile: 'builtin',
      predict: { model: { name: 'spirals', version: 2 } },
      inputs: { input: INPUT },
      device: 'cpu',
    });
    expect(
      JobSpecSchema.safeParse({
        profile: 'builtin',
        predict: { model: { name: 'a', artifactId: 'b' } },
      }).success,
    ).toBe(false);
  });

  it('follows the items with rate and ETA, and fetches predictions whose SHA-256 matches', async () => {
    const { manager, settle } = await setup();
    const session = submitPredict(manager, {
      profile: 'builtin',
      model: { artifactId: 'j1:model' },
      input: INPUT,
      config: { items: 6 },
    });
    await settle(
      new Promise<void>((resolve) => {
        const stop = session.subscribe(() => {
          if ((session.getSnapshot().items?.done ?? 0) >= 3) {
            stop();
            resolve();
          }
        });
      }),
    );
    const items = session.getSnapshot().items!;
    expect(items).toMatchObject({ total: 6, ratePerSec: 1 });
    expect(items.etaMs).toBe((6 - items.done) * 1000);
    const { target, file } = memoryTarget();
    const fetched = await settle(fetchPredictions(session, manager.peerFor(), target));
    const artifact = predictionsOf(session.getSnapshot())!;
    expect(fetched).toMatchObject({ skipped: false, partial: false, artifact });
    expect(await sha256Hex(file()!)).toBe(artifact.sha256);
    const lines = new TextDecoder().decode(file()).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('a stopped predict job gives the items done so far; a cancelled one says it did not complete', async () => {
    const { manager, settle } = await setup();
    const stopped = submitPredict(manager, {
      profile: 'builtin',
      model: { name: 'm' },
      config: { items: 50 },
    });
    await settle(
      new Promise<void>((resolve) => {
        const off = stopped.subscribe(() => {
          if ((stopped.getSnapshot().items?.done ?? 0) >= 2) {
            off();
            resolve();
          }
        });
      }),
    );
    await settle(stopped.stop());
    const { target, file } = memoryTarget();
    const fetched = await settle(fetchPredictions(stopped, manager.peerFor(), target));
    expect(fetched.partial).toBe(true);
    const count = new TextDecoder().decode(file()).trim().split('\n').length;
    expect(count).toBe(stopped.getSnapshot().items!.done);
    expect(count).toBeLessThan(50);

    const cancelled = submitPredict(manager, {
      profile: 'builtin',
      model: { name: 'm' },
      config: { items: 50 },
    });
    await settle(new Promise((resolve) => setTimeout(resolve, 5)));
    await settle(cancelled.cancel());
    await expect(
      settle(fetchPredictions(cancelled, manager.peerFor(), memoryTarget().target)),
    ).rejects.toMatchObject({
      code: 'predict_failed',
      details: { state: 'cancelled' },
    });
  });

  it('refuses an input given both as a worker path and as an upload', async () => {
    const { manager } = await setup();
    expect(() =>
      submitPredict(manager, {
        profile: 'builtin',
        model: { name: 'm' },
        input: INPUT,
        upload: { name: 'a.csv', size: 1, sha256: '0'.repeat(64), read: async function* () {} },
      }),
    ).toThrow(/not both/);
  });
});
