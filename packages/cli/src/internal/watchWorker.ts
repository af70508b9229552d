import {
  createJobManager,
  type JobManager,
  type JobManagerOptions,
  type Transport,
} from '@trainwire/core';
import { UsageError } from '../errors.js';
import { numberFlag, type ParsedArgs } from './args.js';
import type { Connect, Connection } from './Connection.js';

/** The job manager's link-watch options from `--heartbeat-timeout` and `--wait-for-worker`. */
export function watchOptions(
  args: ParsedArgs,
): Required<
  Pick<JobManagerOptions, 'heartbeatTimeoutMs' | 'heartbeatIntervalMs' | 'reconnectForMs'>
> {
  const seconds = (name: string, fallback: number, least: number) => {
    const value = numberFlag(args, name) ?? fallback;
    if (!(value >= least) || value > 86_400)
      throw new UsageError(`--${name} must be ${least} to 86400 seconds; got ${value}`);
    return value * 1000;
  };
  const heartbeatTimeoutMs = seconds('heartbeat-timeout', 30, 2);
  return {
    heartbeatTimeoutMs,
    // A few probes fit in one timeout, so one lost answer is not taken for silence.
    heartbeatIntervalMs: Math.max(500, Math.min(5_000, Math.floor(heartbeatTimeoutMs / 4))),
    reconnectForMs: seconds('wait-for-worker', 600, 0),
  };
}

/** A job manager over `connection` that reconnects to the same worker when its link closes. */
export interface WatchedManager {
  manager: JobManager;
  options: ReturnType<typeof watchOptions>;
  /** Disposes the manager and closes every connection it opened (and `connection`). */
  close(): Promise<void>;
}

/**
 * Makes the job manager a command follows a job with: it watches the worker's link, and
 * when the link closes it connects to the worker again by name (through signaling, so a
 * restarted worker with a new peer id is found) until `--wait-for-worker` passes.
 */
export function watchedManager(
  args: ParsedArgs,
  connection: Connection,
  connect: Connect | undefined,
): WatchedManager {
  const options = watchOptions(args);
  const opened: Connection[] = [];
  const reconnect =
    connect === undefined
      ? undefined
      : async (): Promise<Transport> => {
          // The same worker: by name, and by its key where known (no impostor takes over).
          const next = await connect({
            worker: connection.worker.name,
            ...(connection.keyId === undefined ? {} : { keyId: connection.keyId }),
          });
          opened.push(next);
          return next.transport;
        };
  const owned = createJobManager(connection.transport, {
    ...options,
    ...(reconnect === undefined ? {} : { reconnect }),
  });
  return {
    manager: owned.manager,
    options,
    close: async () => {
      await owned.dispose();
      for (const next of opened) await next.close().catch(() => undefined);
    },
  };
}
