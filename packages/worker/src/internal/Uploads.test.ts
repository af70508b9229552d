import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanTempDirs, tempDir } from '../__tests__/helpers.js';
import { startWorker } from '../__tests__/workerHarness.js';
import type { Worker } from '../Worker.js';

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
  cleanTempDirs();
});

const bytes = new TextEncoder().encode('x0,x1,label\n'.repeat(2000));
const sha256 = createHash('sha256').update(bytes).digest('hex');

async function setup(dataDir = tempDir()) {
  const started = await startWorker({ dataDir });
  workers.push(started.worker);
  return { ...started, dataDir };
}

async function send(
  client: Awaited<ReturnType<typeof setup>>['client'],
  data: Uint8Array,
  transferId: string,
  offset: number,
  options: { abortAfter?: number } = {},
) {
  const writer = await client.transport.openByteStream({
    id: transferId,
    name: 'data.csv',
    size: bytes.length,
    sha256,
    offset,
  });
  const end = options.abortAfter ?? data.length;
  for (let k = offset; k < end; k += 4096)
    await writer.write(data.subarray(k, Math.min(k + 4096, end)));
  if (options.abortAfter !== undefined) writer.abort('link dropped');
  else await writer.end();
}

describe('uploads', () => {
  it('stores a verified upload by hash and never takes it twice, also after a restart', async () => {
    const { client, dataDir, worker } = await setup();
    const begun = await client.request('upload.begin', {
      name: 'data.csv',
      size: bytes.length,
      sha256,
    });
    expect(begun).toMatchObject({ have: false, offset: 0 });
    if (begun.have) return;
    await send(client, bytes, begun.transferId, 0);
    const { path } = await client.request('upload.finish', { transferId: begun.transferId });
    expect(readFileSync(path)).toEqual(Buffer.from(bytes));
    expect(
      await client.request('upload.begin', { name: 'other-name.csv', size: bytes.length, sha256 }),
    ).toEqual({
      have: true,
      path,
    });
    const check = await client.request('paths.check', { paths: [path], sha256: true });
    expect(check.results[0]).toMatchObject({ exists: true, size: bytes.length, sha256 });
    await worker.close();
    workers.length = 0;
    const restarted = await setup(dataDir);
    expect(
      await restarted.client.request('upload.begin', {
        name: 'data.csv',
        size: bytes.length,
        sha256,
      }),
    ).toEqual({
      have: true,
      path,
    });
  });

  it('resumes a partial upload from its offset', async () => {
    const { client } = await setup();
    const first = await client.request('upload.begin', {
      name: 'data.csv',
      size: bytes.length,
      sha256,
    });
    if (first.have) throw new Error('unexpected');
    await send(client, bytes, first.transferId, 0, { abortAfter: 8192 });
    const second = await client.request('upload.begin', {
      name: 'data.csv',
      size: bytes.length,
      sha256,
    });
    if (second.have) throw new Error('unexpected');
    expect(second.offset).toBe(8192);
    await send(client, bytes, second.transferId, second.offset);
    const { path } = await client.request('upload.finish', { transferId: second.transferId });
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(sha256);
  });

  it('refuses a tampered upload and removes it: no half file left', async () => {
    const { client, dataDir } = await setup();
    const begun = await client.request('upload.begin', {
      name: 'data.csv',
      size: bytes.length,
      sha256,
    });
    if (begun.have) throw new Error('unexpected');
    const tampered = bytes.slice();
    tampered[100] = 0x21;
    await send(client, tampered, begun.transferId, 0);
    await expect(
      client.request('upload.finish', { transferId: begun.transferId }),
    ).rejects.toMatchObject({
      code: 'upload_corrupt',
      message: expect.stringMatching(/refused and removed.*send it again/),
    });
    expect(readdirSync(join(dataDir, 'uploads', '.partial'))).toEqual([]);
    expect(existsSync(join(dataDir, 'uploads', sha256))).toBe(false);
    const again = await client.request('upload.begin', {
      name: 'data.csv',
      size: bytes.length,
      sha256,
    });
    expect(again).toMatchObject({ have: false, offset: 0 });
  });
});
