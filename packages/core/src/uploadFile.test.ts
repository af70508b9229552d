import { afterEach, describe, expect, it } from 'vitest';
import type { LocalFile } from './LocalFile.js';
import { RpcPeer } from './protocol/RpcPeer.js';
import type { TransferProgress } from './TransferProgress.js';
import { createMemoryTransportPair } from './testing/MemoryTransport.js';
import { ScriptedWorker, type ScriptedWorkerOptions, sha256Hex } from './testing/ScriptedWorker.js';
import { uploadFile } from './uploadFile.js';

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

async function connected(options: ScriptedWorkerOptions = {}) {
  const [client, workerEnd] = createMemoryTransportPair({ latencyMs: 1 });
  const scripted = new ScriptedWorker(options);
  scripted.accept(workerEnd);
  await Promise.all([client.connect(), workerEnd.connect()]);
  closing.push(() => client.close());
  return { client, scripted, peer: new RpcPeer(client, { requestTimeoutMs: 2_000 }) };
}

/** A file of `size` bytes read in 4 KiB pieces; `onPiece` sees each piece's index. */
async function fileOf(size: number, onPiece: (index: number) => void = () => undefined) {
  const bytes = new Uint8Array(size).map((_, i) => (i * 31) & 0xff);
  const file: LocalFile & { reads: number } = {
    name: 'frames: 🐭.bin',
    size,
    sha256: await sha256Hex(bytes),
    reads: 0,
    async *read(offset) {
      file.reads++;
      for (let at = offset, i = 0; at < size; at += 4096, i++) {
        onPiece(i);
        yield bytes.subarray(at, at + 4096);
      }
    },
  };
  return file;
}

describe('uploadFile', () => {
  it('sends the file, reports progress to the last byte, and returns the path on the worker', async () => {
    const { peer, scripted } = await connected();
    const file = await fileOf(200_000);
    const progress: TransferProgress[] = [];
    const path = await uploadFile(peer, file, { onProgress: (p) => progress.push(p) });
    expect(path).toBe(`/uploads/${file.sha256}/${file.name}`);
    expect(scripted.hasFile(path)).toBe(true);
    expect(progress[0]).toMatchObject({ bytes: 0, total: 200_000 });
    expect(progress.at(-1)).toMatchObject({ bytes: 200_000, total: 200_000 });
    // A second upload of the same bytes is skipped by hash: nothing is read.
    expect(await uploadFile(peer, file)).toBe(path);
    expect(file.reads).toBe(1);
  });

  it('starts again when the link drops mid-upload, and the worker checks the result', async () => {
    const { peer, client, scripted } = await connected();
    let dropped = false;
    const file = await fileOf(100_000, (piece) => {
      if (piece === 10 && !dropped) {
        dropped = true;
        client.disconnect(20);
      }
    });
    const path = await uploadFile(peer, file);
    expect(dropped).toBe(true);
    expect(file.reads).toBe(2);
    expect(scripted.hasFile(path)).toBe(true);
  });

  it("fails with the worker's own verdict when its disk fills midway, and does not retry", async () => {
    const { peer } = await connected({ uploadRoomBytes: 40_000 });
    const file = await fileOf(100_000);
    await expect(uploadFile(peer, file)).rejects.toMatchObject({
      code: 'no_space',
      message: expect.stringMatching(/did not fit and what had arrived was removed/),
    });
    expect(file.reads).toBe(1);
  });

  it('gives up on an error that retrying cannot fix', async () => {
    const { peer } = await connected();
    const file = await fileOf(50_000, (piece) => {
      if (piece === 3) throw new Error('disk read failed');
    });
    await expect(uploadFile(peer, file)).rejects.toThrow('disk read failed');
    expect(file.reads).toBe(1);
  });
});
