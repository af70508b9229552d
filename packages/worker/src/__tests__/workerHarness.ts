import { type JobEvent, RpcPeer } from '@trainwire/core';
import { createMemoryTransportPair } from '@trainwire/core/testing';
import { afterEach, beforeAll } from 'vitest';
import type { WorkerConfigInput } from '../config/WorkerConfig.js';
import { createWorker, type WorkerOptions } from '../createWorker.js';
import type { RunCommand } from '../machine/detectMachine.js';
import type { PeerIdentity } from '../PeerIdentity.js';
import type { Worker } from '../Worker.js';
import { cleanTempDirs, requireDist, TRAINER_MAIN, until } from './helpers.js';

/** nvidia-smi is not installed. */
export const noGpu: RunCommand = async () => {
  throw Object.assign(new Error('spawn nvidia-smi ENOENT'), { code: 'ENOENT' });
};

/**
 * A worker on a temp data dir with a client peer over a memory transport; `connect`
 * opens another connection, as `identity` (a member of a room) or local.
 */
export async function startWorker(
  config: WorkerConfigInput,
  transport: { maxMessageSize?: number } = {},
  options: WorkerOptions = {},
): Promise<{
  worker: Worker;
  client: RpcPeer;
  events: JobEvent[];
  connect: (identity?: PeerIdentity) => Promise<RpcPeer>;
}> {
  const worker = await createWorker(config, {
    runCommand: noGpu,
    builtinTrainer: TRAINER_MAIN,
    ...options,
  });
  const events: JobEvent[] = [];
  const connect = async (identity?: PeerIdentity) => {
    const [clientEnd, workerEnd] = createMemoryTransportPair(transport);
    worker.accept(workerEnd, identity);
    await Promise.all([clientEnd.connect(), workerEnd.connect()]);
    const peer = new RpcPeer(clientEnd);
    peer.events$.subscribe((e) => events.push(e));
    return peer;
  };
  return { worker, client: await connect(), events, connect };
}

/** Waits for a final state event of `jobId` among pushed events. */
export async function finalState(
  events: JobEvent[],
  jobId: string,
): Promise<JobEvent & { type: 'state' }> {
  const isFinal = (e: JobEvent) =>
    e.jobId === jobId &&
    e.type === 'state' &&
    ['completed', 'failed', 'cancelled'].includes(e.state);
  await until(() => events.some(isFinal), `job ${jobId} to end`);
  return events.find(isFinal) as JobEvent & { type: 'state' };
}

/**
 * For a test file whose workers run the built-in trainer: checks dist/ first, and after
 * each test closes every worker pushed on the returned list and removes the temp dirs.
 */
export function closeWorkersAfterEach(): Worker[] {
  const workers: Worker[] = [];
  beforeAll(requireDist);
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close({ flushMs: 50 })));
    cleanTempDirs();
  });
  return workers;
}
