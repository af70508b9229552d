import { createJobManager } from '../createJobManager.js';
import type { JobManager, JobManagerOptions } from '../JobManager.js';
import { createMemoryTransportPair, type MemoryTransport } from './MemoryTransport.js';
import { ScriptedWorker, type ScriptedWorkerOptions } from './ScriptedWorker.js';
import { VirtualClock } from './VirtualClock.js';

/** A client's end of a new memory link to `worker`, both ends open, on `clock`. */
export async function linkToScriptedWorker(
  worker: ScriptedWorker,
  clock: VirtualClock,
): Promise<MemoryTransport> {
  const [client, workerEnd] = createMemoryTransportPair({ scheduler: clock, latencyMs: 1 });
  worker.accept(workerEnd);
  await Promise.all([client.connect(), workerEnd.connect()]);
  return client;
}

/** What {@link createScriptedSetup} makes. */
export interface ScriptedSetup {
  clock: VirtualClock;
  worker: ScriptedWorker;
  client: MemoryTransport;
  manager: JobManager;
  /** Disposes the manager, closes the link and the DI scope. */
  dispose(): Promise<void>;
}

/**
 * A job manager in virtual time over a memory link to a scripted worker (`w1`, 1 s
 * epochs), with the link watch set for tests (2 s requests, 5 s heartbeat, 30 s timeout,
 * 120 s wait): what the core, the CLI and the widgets test reachability against.
 *
 * @example
 * ```ts
 * const { clock, manager, dispose } = await createScriptedSetup({ worker: { epochMs: 500 } });
 * const session = manager.submit({ profile: 'builtin', config: { epochs: 3 } });
 * await clock.tick(5_000, 100);
 * ```
 */
export async function createScriptedSetup(
  options: { manager?: JobManagerOptions; worker?: ScriptedWorkerOptions } = {},
): Promise<ScriptedSetup> {
  const clock = new VirtualClock();
  const worker = new ScriptedWorker({
    name: 'w1',
    epochMs: 1_000,
    scheduler: clock,
    ...options.worker,
  });
  const client = await linkToScriptedWorker(worker, clock);
  const owned = createJobManager(client, {
    scheduler: clock,
    requestTimeoutMs: 2_000,
    heartbeatIntervalMs: 5_000,
    heartbeatTimeoutMs: 30_000,
    reconnectForMs: 120_000,
    ...options.manager,
  });
  return {
    clock,
    worker,
    client,
    manager: owned.manager,
    dispose: async () => {
      owned.manager.dispose();
      await client.close();
      await owned.dispose();
    },
  };
}
