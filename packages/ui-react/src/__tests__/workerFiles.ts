import { RpcPeer, TrainwireError } from '@trainwire/core';
import { createMemoryTransportPair } from '@trainwire/core/testing';
import { afterEach } from 'vitest';

// A worker's folders over the real protocol: core's RpcPeer at both ends of a memory
// transport, the worker end serving `mounts.list` and `paths.list` from a list of files.

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0)) await close();
});

export async function workerFilesOf(
  mounts: ReadonlyArray<{ name: string; path: string }>,
  files: Readonly<Record<string, number>>,
) {
  const [client, server] = createMemoryTransportPair();
  await Promise.all([client.connect(), server.connect()]);
  const listed: string[] = [];
  new RpcPeer(server).serve({
    'mounts.list': () => ({ mounts: mounts.map((m) => ({ ...m, readOnly: true })) }),
    'paths.list': ({ path, offset, limit }) => {
      listed.push(path);
      const prefix = `${path}/`;
      const names = new Map<string, { kind: 'file' | 'directory'; size: number }>();
      for (const [file, size] of Object.entries(files)) {
        if (!file.startsWith(prefix)) continue;
        const [name, ...rest] = file.slice(prefix.length).split('/');
        names.set(name!, rest.length > 0 ? { kind: 'directory', size: 0 } : { kind: 'file', size });
      }
      if (names.size === 0)
        throw new TrainwireError('path_denied', `${path}: there is no such folder`);
      const all = [...names].sort(([a], [b]) => a.localeCompare(b));
      return {
        entries: all
          .slice(offset, offset + limit)
          .map(([name, e]) => ({ name, path: `${prefix}${name}`, ...e })),
        total: all.length,
        more: offset + limit < all.length,
      };
    },
  });
  const peer = new RpcPeer(client, { retries: 0 });
  open.push(async () => {
    await client.close();
    await server.close();
  });
  return { peer, listed };
}
