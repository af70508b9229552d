import type { ScriptedWorkerOptions } from '@trainwire/core/testing';
import { createMemoryTransportPair, ScriptedWorker } from '@trainwire/core/testing';
import type { Connect } from '../src/internal/Connection.js';

/** A `Connect` that reaches a scripted worker over the memory transport. */
export function scriptedConnect(options: ScriptedWorkerOptions = {}): {
  connect: Connect;
  worker: ScriptedWorker;
} {
  const worker = new ScriptedWorker({ name: 'gpu-server-01', epochMs: 10, ...options });
  const connect: Connect = async () => {
    const [client, server] = createMemoryTransportPair({ latencyMs: 1 });
    worker.accept(server);
    await Promise.all([client.connect(), server.connect()]);
    return { transport: client, worker: worker.info, close: () => client.close() };
  };
  return { connect, worker };
}
