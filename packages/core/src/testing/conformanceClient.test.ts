import { afterEach, describe, expect, it } from 'vitest';
import { container } from '../di.js';
import { downloadFile } from '../downloadFile.js';
import { JobManager } from '../JobManager.js';
import { RpcPeer } from '../protocol/RpcPeer.js';
import { registerCore } from '../registerCore.js';
import type { JobEvent } from '../schemas/JobEvent.js';
import { isFinalJobState } from '../schemas/JobState.js';
import { TRANSPORT } from '../tokens.js';
import { type ClientDriver, runClientConformance } from './conformanceClient.js';
import { concat } from './conformanceContext.js';
import { createMemoryTransportPair } from './MemoryTransport.js';
import { sha256Hex } from './ScriptedWorker.js';

const disposers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

/** trainwire's own client (JobManager, downloadFile and the hash check `fetch` does). */
async function trainwireClient(): Promise<{
  workerEnd: import('../Transport.js').Transport;
  driver: ClientDriver;
}> {
  const [clientEnd, workerEnd] = createMemoryTransportPair({ latencyMs: 1 });
  await Promise.all([clientEnd.connect(), workerEnd.connect()]);
  const scope = container.createChildContainer();
  registerCore(scope, { requestTimeoutMs: 2_000 });
  scope.register(TRANSPORT, { useValue: clientEnd });
  const manager = scope.resolve(JobManager);
  disposers.push(async () => {
    manager.dispose();
    await clientEnd.close();
    scope.dispose();
  });
  const driver: ClientDriver = {
    async follow(jobId) {
      const session = await manager.attach(jobId);
      const seen: JobEvent[] = [];
      session.events$.subscribe((event) => seen.push(event));
      await session.done;
      return seen;
    },
    async download(path) {
      const download = await downloadFile(manager.peerFor(), path);
      const chunks: Uint8Array[] = [];
      await new Promise<void>((resolve, reject) =>
        download.chunks$.subscribe({
          next: (c) => chunks.push(c),
          error: reject,
          complete: resolve,
        }),
      );
      const bytes = concat(chunks);
      if ((await sha256Hex(bytes)) !== download.sha256) throw new Error('SHA-256 mismatch');
      return bytes;
    },
  };
  return { workerEnd, driver };
}

describe('runClientConformance', () => {
  it("passes trainwire's own client", async () => {
    const { workerEnd, driver } = await trainwireClient();
    const report = await runClientConformance(workerEnd, driver, { timeoutMs: 5_000 });
    expect(report.results.filter((r) => !r.passed)).toEqual([]);
    expect(report.results.map((r) => r.id)).toEqual([
      'client.follow',
      'client.download',
      'client.requests',
      'client.serves-info',
      'client.malformed',
    ]);
  });

  it('fails a naive client: one that keeps pushes as they come and trusts every download', async () => {
    const [clientEnd, workerEnd] = createMemoryTransportPair({ latencyMs: 1 });
    await Promise.all([clientEnd.connect(), workerEnd.connect()]);
    disposers.push(() => clientEnd.close());
    const peer = new RpcPeer(clientEnd);
    const driver: ClientDriver = {
      async follow(jobId) {
        const seen: JobEvent[] = [];
        peer.events$.subscribe((event) => seen.push(event));
        await peer.request('job.attach', { jobId });
        while (!seen.some((e) => e.type === 'state' && isFinalJobState(e.state)))
          await new Promise((resolve) => setTimeout(resolve, 10));
        return seen;
      },
      async download(path) {
        const download = await downloadFile(peer, path);
        const chunks: Uint8Array[] = [];
        await new Promise<void>((resolve) =>
          download.chunks$.subscribe({ next: (c) => chunks.push(c), complete: resolve }),
        );
        return concat(chunks); // no hash check
      },
    };
    const report = await runClientConformance(workerEnd, driver, { timeoutMs: 3_000 });
    expect(report.ok).toBe(false);
    const failed = Object.fromEntries(
      report.results.filter((r) => !r.passed).map((r) => [r.id, r.message]),
    );
    expect(failed['client.follow']).toMatch(/^the client kept seqs 7,7,8,10; expected 1\.\.10/);
    expect(failed['client.download']).toBe(
      'the client accepted bytes that do not match their SHA-256',
    );
    expect(Object.keys(failed)).toEqual(['client.follow', 'client.download']);
  });
});
