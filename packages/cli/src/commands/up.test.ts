import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { main } from '../main.js';

describe('trainwire up (real signaling server, worker, WebRTC and trainer in one process)', () => {
  it('trains the built-in model and prints every epoch as NDJSON', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tw-up-'));
    const t = fakeIo();
    expect(await main(['up', '--data-dir', dataDir, '--epochs', '4', '--json'], t.io)).toBe(0);
    const events = t
      .out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const epochs = events.filter((e) => e.type === 'progress' && e.progress.event === 'epoch_end');
    expect(epochs.map((e) => e.progress.epoch)).toEqual([0, 1, 2, 3]);
    const losses = epochs.map((e) => e.progress.logs['val/loss']);
    expect(losses[3]).toBeLessThan(losses[0]);
    expect(
      events.some(
        (e) =>
          e.type === 'artifact' &&
          e.artifact.kind === 'model' &&
          e.artifact.path.startsWith(dataDir),
      ),
    ).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'state', state: 'completed' });
  }, 60_000);

  it('keeps history across runs in the same data directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tw-up-'));
    expect(await main(['up', '--data-dir', dataDir, '--epochs', '2'], fakeIo().io)).toBe(0);
    const second = fakeIo();
    expect(await main(['up', '--data-dir', dataDir, '--epochs', '2'], second.io)).toBe(0);
    expect(second.out()).toContain('Remote Training Completed Successfully');
  }, 60_000);
});
