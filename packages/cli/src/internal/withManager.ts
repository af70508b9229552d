import type { JobManager } from '@trainwire/core';
import { UsageError } from '../errors.js';
import { intFlag, type ParsedArgs, stringFlag } from './args.js';
import type { Connect, Connection, ConnectOptions } from './Connection.js';
import { type WatchedManager, watchedManager } from './watchWorker.js';

/** The worker-choosing flags every remote command shares. */
export function connectOptions(args: ParsedArgs): ConnectOptions {
  const worker = stringFlag(args, 'worker');
  const min = intFlag(args, 'min-gpu-memory', 0);
  const keyId = stringFlag(args, 'worker-key-id');
  if (keyId !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(keyId))
    throw new UsageError(
      `--worker-key-id takes a worker key id as \`trainwire workers\` shows it (letters, digits, - and _); got "${keyId}"`,
    );
  return {
    ...(worker === undefined ? {} : { worker }),
    ...(keyId === undefined ? {} : { keyId }),
    autoSelect: args.values['auto-select'] === true,
    ...(min === undefined ? {} : { minGpuMemoryMiB: min }),
  };
}

/** Connects, hands a job manager over the connection to `use`, and cleans up. */
export async function withManager<T>(
  connect: Connect,
  args: ParsedArgs,
  use: (
    manager: JobManager,
    connection: Connection,
    watch: WatchedManager['options'],
  ) => Promise<T>,
): Promise<T> {
  const connection = await connect(connectOptions(args));
  // A followed job outlives a closed link: the manager reaches the worker again by name.
  const watched = watchedManager(args, connection, connect);
  try {
    return await use(watched.manager, connection, watched.options);
  } finally {
    await watched.close();
    await connection.close();
  }
}
