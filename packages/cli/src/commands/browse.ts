import { RpcPeer } from '@trainwire/core';
import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import { intFlag, type ParsedArgs } from '../internal/args.js';
import type { RemoteDeps } from '../internal/Connection.js';
import { connectOptions } from '../internal/withManager.js';

/**
 * A path as `browse` takes it: absolute on the worker, or starting with a mount's name as
 * `browse` lists them (`data`, `data/proj`), which stands for that mount's folder.
 */
async function onWorker(peer: RpcPeer, path: string, worker: string): Promise<string> {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return path;
  const [name = '', ...rest] = path.split('/').filter((part) => part !== '');
  const { mounts } = await peer.request('mounts.list', {});
  const mount = mounts.find((m) => m.name === name);
  if (mount === undefined) {
    const names = mounts.map((m) => m.name).join(', ') || 'none';
    throw new UsageError(
      `${worker} has no shared folder named "${name}" (its folders: ${names}); give a folder's name as \`trainwire browse\` lists them, or an absolute path on the worker`,
    );
  }
  if (rest.length === 0) return mount.path;
  return [mount.path.replace(/\/+$/, ''), ...rest].join('/');
}

/** `trainwire browse [PATH]`: the worker's mounts, or one page of a folder inside them. */
export async function browseCommand(args: ParsedArgs, io: Io, deps: RemoteDeps): Promise<number> {
  const connection = await deps.connect(connectOptions(args));
  const peer = new RpcPeer(connection.transport);
  try {
    const json = args.values.json === true;
    const path = args.positionals[0];
    if (path === undefined) {
      const { mounts } = await peer.request('mounts.list', {});
      if (json) for (const m of mounts) io.stdout.write(`${JSON.stringify(m)}\n`);
      else {
        if (mounts.length === 0) io.stdout.write(`${connection.worker.name} shares no folders.\n`);
        for (const m of mounts)
          io.stdout.write(`${m.name.padEnd(16)} ${m.path}${m.readOnly ? '  (read-only)' : ''}\n`);
      }
      return ExitCode.ok;
    }
    const offset = intFlag(args, 'offset', 0) ?? 0;
    const page = await peer.request('paths.list', {
      path: await onWorker(peer, path, connection.worker.name),
      offset,
      limit: intFlag(args, 'limit', 1, 1000) ?? 200,
    });
    if (json) for (const e of page.entries) io.stdout.write(`${JSON.stringify(e)}\n`);
    else {
      for (const e of page.entries)
        io.stdout.write(
          `${e.kind === 'directory' ? 'd' : '-'} ${String(e.size).padStart(12)}  ${e.name}${e.kind === 'directory' ? '/' : ''}\n`,
        );
      if (page.more)
        io.stdout.write(
          `… ${page.total - offset - page.entries.length} more; next page: trainwire browse ${path} --offset ${offset + page.entries.length}\n`,
        );
    }
    return ExitCode.ok;
  } finally {
    peer.dispose();
    await connection.close();
  }
}
