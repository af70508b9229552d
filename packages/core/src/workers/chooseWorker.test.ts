import { describe, expect, it } from 'vitest';
import { chooseWorker } from './chooseWorker.js';
import type { WorkerEntry } from './WorkerDirectory.js';

const w = (name: string, gpuMemoryMiB: number, status: WorkerEntry['status'] = 'available') =>
  ({
    id: `peer-${name}`,
    name,
    status,
    gpuModel: gpuMemoryMiB ? 'A100' : null,
    gpuMemoryMiB,
  }) as WorkerEntry;
const room = [w('small', 8_192), w('big', 40_960, 'busy'), w('mid', 24_576)];

describe('chooseWorker', () => {
  it('the named one (by name or id), or says it is not online', () => {
    expect(chooseWorker(room, { worker: 'big' })).toEqual({ kind: 'chosen', worker: room[1] });
    expect(chooseWorker(room, { worker: 'peer-mid' })).toEqual({ kind: 'chosen', worker: room[2] });
    expect(chooseWorker(room, { worker: 'gone' })).toEqual({ kind: 'not-online' });
  });

  it('auto-select: the available one with the most GPU memory, over any minimum', () => {
    expect(chooseWorker(room, { autoSelect: true })).toEqual({ kind: 'chosen', worker: room[2] });
    expect(chooseWorker(room, { minGpuMemoryMiB: 30_000 })).toEqual({ kind: 'none-qualifies' });
  });

  it('the only one; else ask; else empty', () => {
    expect(chooseWorker([room[0]!], {})).toEqual({ kind: 'chosen', worker: room[0] });
    expect(chooseWorker(room, {})).toEqual({ kind: 'ask', workers: room });
    expect(chooseWorker([], {})).toEqual({ kind: 'empty' });
  });
});
