import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../testing/VirtualClock.js';
import type { WorkerEntry } from './WorkerDirectory.js';
import { WorkerDirectory } from './WorkerDirectory.js';

const entry = (name: string, gpuMemoryMiB: number, status: WorkerEntry['status'] = 'available') =>
  ({
    id: `peer-${name}`,
    name,
    status,
    gpuModel: gpuMemoryMiB > 0 ? 'GPU' : null,
    gpuMemoryMiB,
  }) as WorkerEntry;

describe('WorkerDirectory', () => {
  it('lists, sorts by GPU memory, auto-selects the best available, and keeps the snapshot stable', async () => {
    let calls = 0;
    const directory = new WorkerDirectory({
      list: async () => {
        calls++;
        return [entry('small', 8_192), entry('big', 81_920, 'busy'), entry('mid', 24_576)];
      },
    });
    expect(directory.getSnapshot().status).toBe('idle');
    let notified = 0;
    directory.subscribe(() => notified++);
    await Promise.all([directory.refresh(), directory.refresh()]);
    expect(calls).toBe(1);
    const snapshot = directory.getSnapshot();
    expect(snapshot.status).toBe('ready');
    expect(snapshot.workers.map((w) => w.name)).toEqual(['big', 'mid', 'small']);
    expect(directory.getSnapshot()).toBe(snapshot);
    expect(notified).toBe(2);
    expect(directory.best()?.name).toBe('mid');
    expect(directory.best(30_000)).toBeUndefined();
  });

  it('keeps the last list and says why when a listing fails', async () => {
    let fail = false;
    const directory = new WorkerDirectory({
      list: async () => {
        if (fail) throw new Error('signaling is down');
        return [entry('a', 0)];
      },
    });
    await directory.refresh();
    fail = true;
    await directory.refresh();
    const { status, workers, error } = directory.getSnapshot();
    expect(status).toBe('failed');
    expect(workers.map((w) => w.name)).toEqual(['a']);
    expect(error).toContain('signaling is down');
  });

  it('refreshes by itself on its scheduler when asked to', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const directory = new WorkerDirectory({
      list: async () => {
        calls++;
        return [];
      },
      refreshEveryMs: 5_000,
      scheduler: clock,
    });
    await clock.tick(15_000, 1_000);
    expect(calls).toBe(3);
    directory.dispose();
    await clock.tick(15_000, 1_000);
    expect(calls).toBe(3);
  });
});
