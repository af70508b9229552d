import { container, JobManager, registerCore, TRANSPORT } from '@trainwire/core';
import { intFlag, type ParsedArgs, stringFlag } from './args.js';
import type { Connect, Connection, ConnectOptions } from './Connection.js';

/** The worker-choosing flags every remote command shares. */
export function connectOptions(args: ParsedArgs): ConnectOptions {
  const worker = stringFlag(args, 'worker');
  const min = intFlag(args, 'min-gpu-memory', 0);
  return {
    ...(worker === undefined ? {} : { worker }),
    autoSelect: args.values['auto-select'] === true,
    ...(min === undefined ? {} : { minGpuMemoryMiB: min }),
  };
}

/** Connects, hands a job manager over the connection to `use`, and cleans up. */
export async function withManager<T>(
  connect: Connect,
  args: ParsedArgs,
  use: (manager: JobManager, connection: Connection) => Promise<T>,
): Promise<T> {
  const connection = await connect(connectOptions(args));
  const scope = registerCore(container.createChildContainer());
  scope.register(TRANSPORT, { useValue: connection.transport });
  const manager = scope.resolve(JobManager);
  try {
    return await use(manager, connection);
  } finally {
    manager.dispose();
    scope.dispose();
    await connection.close();
  }
}
