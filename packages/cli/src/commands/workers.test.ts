import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkerInfo } from '@trainwire/core';
import {
  createSignalingServer,
  SignalingClient,
  type SignalingServer,
} from '@trainwire/transport-webrtc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { main } from '../main.js';

function info(name: string, gpuMemoryMiB: number | null, ramMiB: number): WorkerInfo {
  return {
    id: name,
    name,
    gpu: gpuMemoryMiB === null ? null : { name: 'NVIDIA A100', memoryMiB: gpuMemoryMiB },
    cpu: { model: 'test cpu', cores: 4 },
    ramMiB,
    status: 'available',
    versions: {},
    capabilities: [],
    tags: [],
  };
}

describe('trainwire workers against a real signaling server', () => {
  let server: SignalingServer;
  const peers: SignalingClient[] = [];
  let env: Record<string, string>;
  const keyIds: string[] = [];
  beforeAll(async () => {
    server = await createSignalingServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'tw-signal-')),
    });
    server.createRoom('lab');
    env = {
      TRAINWIRE_URL: server.url,
      TRAINWIRE_ROOM: 'lab',
      TRAINWIRE_TOKEN: server.createCredential('lab', 'room-token').secret,
    };
    for (const worker of [info('gpu-big', 40_960, 262_144), info('cpu-box', null, 0)]) {
      // One key per worker: a worker key is bound to one worker name.
      const key = server.createCredential('lab', 'worker-key');
      keyIds.push(key.id);
      const peer = new SignalingClient({
        url: server.url,
        room: 'lab',
        role: 'worker',
        credential: key.secret,
        name: worker.name,
        info: worker,
      });
      await peer.connect();
      peers.push(peer);
    }
  });
  afterAll(async () => {
    for (const peer of peers) await peer.close();
    await server?.close();
  });

  it('prints a header, then each worker with its GPU memory and RAM ("—" when unknown)', async () => {
    const t = fakeIo({ env });
    expect(await main(['workers'], t.io)).toBe(0);
    const [header, ...rows] = t.out().trimEnd().split('\n');
    expect(header).toMatch(/^NAME\s+GPU\s+STATUS\s+GPU MEMORY\s+RAM\s+KEY$/);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(
      new RegExp(
        `^gpu-big\\s+NVIDIA A100\\s+available\\s+40\\.0 GiB\\s+256\\.0 GiB\\s+${keyIds[0]}$`,
      ),
    );
    expect(rows[1]).toMatch(
      new RegExp(`^cpu-box\\s+Not detected\\s+available\\s+—\\s+—\\s+${keyIds[1]}$`),
    );
  });

  it('with --json, the memory in MiB (null when unknown)', async () => {
    const t = fakeIo({ env });
    expect(await main(['workers', '--json', '--min-gpu-memory', '16000'], t.io)).toBe(0);
    const lines = t
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({
        name: 'gpu-big',
        keyId: keyIds[0],
        gpuMemoryMiB: 40_960,
        ramMiB: 262_144,
      }),
    ]);
  });

  it('--worker-key-id pins a worker: an unknown key id connects to nothing and says so', async () => {
    const t = fakeIo({ env });
    expect(await main(['jobs', '--worker-key-id', 'not0a0key000'], t.io)).toBe(3);
    expect(t.err()).toContain('none with key not0a0key000');
    const bad = fakeIo({ env });
    expect(await main(['jobs', '--worker-key-id', 'a b'], bad.io)).toBe(2);
    expect(bad.err()).toContain('--worker-key-id takes a worker key id');
  });
});
