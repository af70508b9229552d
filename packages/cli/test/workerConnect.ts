import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryTransportPair } from '@trainwire/core/testing';
import { createWorker, type Worker } from '@trainwire/worker';
import type { Connect } from '../src/internal/Connection.js';

/** A real worker (SQLite, sandbox, trainer processes) reached over the memory transport. */
export async function workerConnect(): Promise<{
  connect: Connect;
  worker: Worker;
  dataDir: string;
  close(): Promise<void>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-cli-worker-'));
  const worker = await createWorker(
    { dataDir, name: 'gpu-server-01' },
    { runCommand: async () => Promise.reject(new Error('no nvidia-smi')) },
  );
  const connect: Connect = async () => {
    const [client, server] = createMemoryTransportPair({ latencyMs: 1 });
    worker.accept(server);
    await Promise.all([client.connect(), server.connect()]);
    return { transport: client, worker: worker.info(), close: () => client.close() };
  };
  return { connect, worker, dataDir, close: () => worker.close() };
}
