import { afterEach, describe, expect, it } from 'vitest';
import { listPresets } from '../experiments/listPresets.js';
import type { MethodHandlers } from '../protocol/methods.js';
import { RpcPeer } from '../protocol/RpcPeer.js';
import type { Artifact } from '../schemas/Artifact.js';
import { createMemoryTransportPair } from '../testing/MemoryTransport.js';
import { Artifacts } from './Artifacts.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A worker keeping artifacts in memory (newest last), over a memory transport. */
async function fakeWorker() {
  const rows: Artifact[] = [1, 2, 3].map((n) => ({
    id: `a${n}`,
    kind: n === 3 ? 'model' : 'checkpoint',
    path: `/runs/j1/checkpoints/epoch-000${n}.json`,
    size: n,
    experimentId: 'j1',
    createdAt: n,
  }));
  const handlers: MethodHandlers = {
    'artifact.list': ({ kind, offset, limit }) => {
      const matching = [...rows].reverse().filter((a) => kind === undefined || a.kind === kind);
      const page = matching.slice(offset, offset + limit);
      const end = offset + page.length;
      return {
        artifacts: page,
        total: matching.length,
        ...(end < matching.length ? { nextOffset: end } : {}),
      };
    },
    'artifact.rename': ({ artifactId, name }) => {
      const artifact = rows.find((a) => a.id === artifactId)!;
      artifact.path = `/runs/j1/checkpoints/${name}`;
      return { artifact };
    },
    'artifact.delete': ({ artifactId }) => {
      rows.splice(
        rows.findIndex((a) => a.id === artifactId),
        1,
      );
      return { artifactId, fileDeleted: true };
    },
    'preset.list': ({ profile }) => ({
      profile,
      presets: [
        {
          name: 'quick',
          config: { epochs: 8 },
          epochs: 8,
          datasetSize: { value: 2000, unit: 'samples' },
          estimate: { seconds: 118, basedOnJobs: 3 },
        },
        {
          name: 'epic',
          config: { epochs: 100 },
          epochs: 100,
          datasetSize: { value: 50000, unit: 'samples' },
          estimate: { noHistory: true },
        },
      ],
    }),
  };
  const [client, server] = createMemoryTransportPair();
  new RpcPeer(server).serve(handlers);
  await Promise.all([client.connect(), server.connect()]);
  const peer = new RpcPeer(client);
  cleanups.push(async () => {
    peer.dispose();
    await client.close();
  });
  return { peer, rows };
}

describe('Artifacts', () => {
  it('pages the list view newest first, and refreshes it after a rename or delete', async () => {
    const { peer } = await fakeWorker();
    const artifacts = new Artifacts(peer);
    const seen: string[] = [];
    artifacts.subscribe(() => seen.push(artifacts.getSnapshot().status));
    await artifacts.refresh({ experimentId: 'j1', limit: 2 });
    expect(artifacts.getSnapshot()).toMatchObject({ status: 'ready', total: 3, hasMore: true });
    expect(artifacts.getSnapshot().artifacts.map((a) => a.id)).toEqual(['a3', 'a2']);
    await artifacts.loadMore();
    expect(artifacts.getSnapshot().artifacts.map((a) => a.id)).toEqual(['a3', 'a2', 'a1']);
    expect(artifacts.getSnapshot().hasMore).toBe(false);
    const renamed = await artifacts.rename('a1', 'keep.json');
    expect(renamed.path).toBe('/runs/j1/checkpoints/keep.json');
    await artifacts.delete('a2');
    expect(artifacts.getSnapshot().artifacts.map((a) => a.id)).toEqual(['a3', 'a1']);
    expect(seen).toContain('loading');
    const path = await artifacts.export(artifacts.getSnapshot().artifacts[1]!, 'copy-path');
    expect(path.path).toBe('/runs/j1/checkpoints/keep.json');
    await expect(artifacts.export(renamed, 'youtube')).rejects.toMatchObject({
      code: 'unknown_exporter',
      details: { registered: ['download', 'copy-path'] },
    });
  });

  it('lists presets with their estimates in words', async () => {
    const { peer } = await fakeWorker();
    const presets = await listPresets(peer, 'builtin');
    expect(presets.map((p) => p.label)).toEqual([
      'Quick · about 2 min (from 3 runs)',
      'Epic · no history yet',
    ]);
  });
});
