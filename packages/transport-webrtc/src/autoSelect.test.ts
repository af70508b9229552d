import { describe, expect, it } from 'vitest';
import { autoSelect } from './autoSelect.js';
import type { WorkerListing } from './listWorkers.js';

const worker = (
  name: string,
  gpuMemoryMiB: number,
  status: WorkerListing['status'] = 'available',
) => ({
  peerId: name,
  name,
  keyId: `key-${name}`,
  gpuModel: gpuMemoryMiB ? 'GPU' : null,
  gpuMemoryMiB,
  status,
  info: undefined,
});

describe('autoSelect', () => {
  it('picks the available worker with the most GPU memory above the minimum', () => {
    const workers = [
      worker('a', 8192),
      worker('b', 40_960, 'busy'),
      worker('c', 24_576),
      worker('d', 16_384),
    ];
    expect(autoSelect(workers, { minGpuMemoryMiB: 16_384 })?.name).toBe('c');
    expect(autoSelect(workers)?.name).toBe('c');
    expect(autoSelect(workers, { minGpuMemoryMiB: 32_000 })).toBeUndefined();
    expect(autoSelect([])).toBeUndefined();
  });
});
