import type { WorkerInfo } from '@trainwire/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../__tests__/signalingFixture.js';
import { connectWithCredentials } from './connectWithCredentials.js';
import { createRoomDirectory } from './createRoomDirectory.js';
import { joinRoom } from './joinRoom.js';
import type { RoomCredentials } from './RoomCredentials.js';

// Choosing a worker over a real signaling server; the WebRTC link itself is tested elsewhere.

function info(name: string, gpuMemoryMiB: number | null): WorkerInfo {
  return {
    id: name,
    name,
    gpu: gpuMemoryMiB === null ? null : { name: 'NVIDIA A100', memoryMiB: gpuMemoryMiB },
    cpu: { model: 'test cpu', cores: 4 },
    ramMiB: 1024,
    status: 'available',
    versions: {},
    capabilities: [],
    tags: [],
  };
}

describe('connecting with credentials: which worker', () => {
  let fixture: Awaited<ReturnType<typeof startServer>>;
  let credentials: RoomCredentials;
  beforeAll(async () => {
    fixture = await startServer({ logger: () => undefined });
    const { server } = fixture;
    server.createRoom('lab');
    credentials = {
      signalingUrl: server.url,
      room: 'lab',
      credential: server.createCredential('lab', 'room-token').secret,
    };
    for (const worker of [info('gpu-big', 40_960), info('cpu-box', null)]) {
      const { secret } = server.createCredential('lab', 'worker-key');
      await fixture
        .client({ room: 'lab', role: 'worker', credential: secret, info: worker })
        .connect();
    }
  });
  afterAll(() => fixture?.dispose());

  it('names the workers online when the one asked for is not there, or none has the GPU memory', async () => {
    await expect(connectWithCredentials(credentials, { worker: 'gone' })).rejects.toMatchObject({
      code: 'peer_not_found',
      message: expect.stringMatching(
        /^worker gone is not online in room lab; online: gpu-big \(NVIDIA A100, available, key \w+\), cpu-box \(no GPU/,
      ),
    });
    await expect(
      connectWithCredentials(credentials, { minGpuMemoryMiB: 80_000 }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('no available worker with at least 80000 MiB of GPU memory'),
    });
  });

  it('several workers and no rule: asks the view, and without a way to ask says so', async () => {
    const offered: string[][] = [];
    await expect(
      connectWithCredentials(credentials, {
        pickWorker: async (workers) => {
          offered.push(workers.map((w) => w.name));
          return undefined;
        },
      }),
    ).rejects.toMatchObject({ message: 'no worker chosen' });
    expect(offered).toEqual([['gpu-big', 'cpu-box']]);
    await expect(connectWithCredentials(credentials)).rejects.toMatchObject({
      message: expect.stringContaining('2 workers are online in room lab'),
    });
  });

  it('a wrong token is refused naming the room and server', async () => {
    await expect(
      joinRoom({ ...credentials, credential: 'not-a-real-token' }, 'test'),
    ).rejects.toMatchObject({
      message: expect.stringContaining(`cannot join room lab at ${fixture.server.url}`),
    });
  });

  it("the room's directory lists the workers for a picker, and auto-selects the best", async () => {
    const signaling = await joinRoom(credentials, 'panel');
    try {
      const directory = createRoomDirectory(signaling);
      await directory.refresh();
      expect(directory.getSnapshot()).toMatchObject({ status: 'ready' });
      expect(directory.getSnapshot().workers.map((w) => w.name)).toEqual(['gpu-big', 'cpu-box']);
      expect(directory.best(16_000)?.name).toBe('gpu-big');
      directory.dispose();
    } finally {
      await signaling.close();
    }
  });
});
