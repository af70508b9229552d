import { createHash } from 'node:crypto';
import type { RpcPeer } from '@trainwire/core';

/** A small CSV dataset the built-in trainer reads (two features, two classes). */
export function csvDataset(rows = 200): Uint8Array {
  const lines = ['x0,x1,label'];
  for (let k = 0; k < rows; k++) lines.push(`${(k % 17) / 17},${(k % 5) / 5},${k % 2}`);
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

/** Uploads `bytes` as `name` over `client` (begin, byte stream, finish); the worker's path. */
export async function upload(client: RpcPeer, name: string, bytes: Uint8Array): Promise<string> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const begun = await client.request('upload.begin', { name, size: bytes.length, sha256 });
  if (begun.have) return begun.path;
  const writer = await client.transport.openByteStream({
    id: begun.transferId,
    name,
    size: bytes.length,
    sha256,
    offset: begun.offset,
  });
  await writer.write(bytes.subarray(begun.offset));
  await writer.end();
  return (await client.request('upload.finish', { transferId: begun.transferId })).path;
}
