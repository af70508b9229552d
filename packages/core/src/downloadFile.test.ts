import { afterEach, describe, expect, it } from 'vitest';
import { downloadFile } from './downloadFile.js';
import { isTrainwireError } from './errors.js';
import { RpcPeer } from './protocol/RpcPeer.js';
import { createMemoryTransportPair } from './testing/MemoryTransport.js';

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

/** Node's `process`, typed just enough: the core compiles without Node's types. */
const nodeProcess = (
  globalThis as unknown as {
    process: {
      on(event: 'unhandledRejection', listener: (reason: unknown) => void): void;
      off(event: 'unhandledRejection', listener: (reason: unknown) => void): void;
    };
  }
).process;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A worker that answers `file.download` after `answerAfterMs` and never opens the stream. */
async function slowWorker(answerAfterMs: number) {
  const [clientEnd, workerEnd] = createMemoryTransportPair();
  await Promise.all([clientEnd.connect(), workerEnd.connect()]);
  closing.push(() => clientEnd.close());
  new RpcPeer(workerEnd).serve({
    'file.download': async ({ transferId, offset }) => {
      await sleep(answerAfterMs);
      return { transferId, name: 'model.json', size: 10, sha256: '0'.repeat(64), offset };
    },
  });
  return new RpcPeer(clientEnd, { requestTimeoutMs: 5_000, retries: 0 });
}

describe('downloadFile', () => {
  it('rejects with request_timeout, and no unhandled rejection, when the stream opens late', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    nodeProcess.on('unhandledRejection', onUnhandled);
    try {
      const peer = await slowWorker(80);
      // The open timeout fires while the request is still pending.
      const error = await downloadFile(peer, '/runs/job-1/model.json', 0, 10).catch(
        (e: unknown) => e,
      );
      expect(isTrainwireError(error, 'request_timeout')).toBe(true);
      expect((error as Error).name).toBe('TransportError');
      expect((error as Error).message).toBe(
        'the worker did not start sending /runs/job-1/model.json within 10 ms; check that it is online and fetch again (the download resumes)',
      );
      // Let any stray rejection surface before looking.
      await sleep(20);
      expect(unhandled).toEqual([]);
    } finally {
      nodeProcess.off('unhandledRejection', onUnhandled);
    }
  });
});
