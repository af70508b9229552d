import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProgressMessage } from '@trainwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSynthetic } from './Dataset.js';
import { TrainerConfigSchema } from './TrainerConfig.js';
import { runTraining, type TrainingHooks } from './train.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tw-train-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function hooks(stopAfter = Number.POSITIVE_INFINITY) {
  const messages: ProgressMessage[] = [];
  let epochs = 0;
  const h: TrainingHooks = {
    publish: (m) => {
      messages.push(m);
      if (m.event === 'epoch_end') epochs++;
    },
    shouldStop: () => epochs >= stopAfter,
    log: () => {},
  };
  return { h, messages };
}

const quick = TrainerConfigSchema.parse({ epochs: 10, dataset: { synthetic: { samples: 2000 } } });
const data = () => generateSynthetic(quick.dataset!.synthetic!);

describe('runTraining', () => {
  it('learns the synthetic spirals: final val loss well below the first epoch', async () => {
    const { h, messages } = hooks();
    const result = await runTraining(
      { config: quick, dataset: data(), checkpointDir: tempDir() },
      h,
    );
    const first = result.history[0]!['val/loss']!;
    const last = result.history.at(-1)!['val/loss']!;
    expect(last).toBeLessThan(first * 0.6);
    expect(result.history.at(-1)!['val/accuracy']).toBeGreaterThan(0.85);
    expect(messages[0]).toMatchObject({ event: 'train_begin', total_epochs: 10 });
    expect(messages.filter((m) => m.event === 'epoch_end').map((m) => m.epoch)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(messages.at(-1)).toMatchObject({ event: 'train_end' });
  });

  it('is deterministic for a seed, and a resumed run matches an uninterrupted one', async () => {
    const config = { ...quick, epochs: 6 };
    const full = await runTraining(
      { config, dataset: data(), checkpointDir: tempDir() },
      hooks().h,
    );
    const again = await runTraining(
      { config, dataset: data(), checkpointDir: tempDir() },
      hooks().h,
    );
    expect(again.history).toEqual(full.history);

    const dir = tempDir();
    const stopped = await runTraining({ config, dataset: data(), checkpointDir: dir }, hooks(3).h);
    expect(stopped.stoppedEarly).toBe(true);
    expect(stopped.epochsDone).toBe(3);
    expect(readdirSync(dir).sort()).toEqual([
      'best.json',
      'epoch-0001.json',
      'epoch-0002.json',
      'epoch-0003.json',
      'last.json',
    ]);
    const resumed = await runTraining(
      { config, dataset: data(), checkpointDir: dir, resume: join(dir, 'last.json') },
      hooks().h,
    );
    expect(resumed.history.map((e) => e.epoch)).toEqual([3, 4, 5]);
    expect([...stopped.history, ...resumed.history]).toEqual(full.history);
  });
});
