import { WorkerDirectory, type WorkerEntry } from '@trainwire/core';

// Core's WorkerDirectory with a listing the test controls (its `list` is the injected
// boundary: over signaling in an app).

export function directoryOf(first: () => readonly WorkerEntry[] | Error = () => []) {
  let next = first;
  let listings = 0;
  const directory = new WorkerDirectory({
    list: async () => {
      listings++;
      const listed = next();
      if (listed instanceof Error) throw listed;
      return listed;
    },
  });
  return {
    directory,
    listings: () => listings,
    willList: (then: () => readonly WorkerEntry[] | Error) => {
      next = then;
    },
  };
}

export const gpu1: WorkerEntry = {
  id: 'gpu-1',
  name: 'gpu-server-01',
  keyId: 'key-a1',
  status: 'available',
  gpuModel: 'RTX 4090',
  gpuMemoryMiB: 24_576,
};
export const gpu2: WorkerEntry = {
  id: 'gpu-2',
  name: 'gpu-server-02',
  keyId: 'key-b2',
  status: 'available',
  gpuModel: 'A100',
  gpuMemoryMiB: 40_960,
};
export const cpu3: WorkerEntry = {
  id: 'cpu-3',
  name: 'laptop',
  status: 'busy',
  gpuModel: null,
  gpuMemoryMiB: 0,
};
