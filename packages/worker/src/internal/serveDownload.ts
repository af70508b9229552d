import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { MethodResult, RpcPeer } from '@trainwire/core';
import { WorkerError } from '../errors.js';
import type { Sandbox } from '../sandbox/Sandbox.js';
import { sha256File } from './sha256File.js';

/**
 * Sends a file inside the mounts to the client on a byte stream of its own, from
 * `offset` on. Answers once the stream is open; the bytes follow on it.
 */
export async function serveDownload(
  sandbox: Sandbox,
  peer: RpcPeer,
  request: { path: string; offset: number; transferId: string },
): Promise<MethodResult<'file.download'>> {
  const real = await sandbox.resolve(request.path);
  const info = await stat(real);
  if (!info.isFile())
    throw new WorkerError(
      'not_a_file',
      `${request.path} is not a file; name a model, checkpoint or other file`,
    );
  if (request.offset > info.size) {
    throw new WorkerError(
      'bad_offset',
      `offset ${request.offset} is past the end of ${request.path} (${info.size} bytes); download it again from 0`,
    );
  }
  const header = {
    id: request.transferId,
    name: basename(real),
    size: info.size,
    sha256: await sha256File(real),
    offset: request.offset,
  };
  const writer = await peer.transport.openByteStream(header);
  void (async () => {
    try {
      for await (const chunk of createReadStream(real, {
        start: request.offset,
        highWaterMark: 1 << 20,
      })) {
        await writer.write(chunk as Buffer);
      }
      await writer.end();
    } catch (error) {
      writer.abort(`reading ${request.path} failed: ${(error as Error).message}`);
    }
  })();
  return {
    transferId: header.id,
    name: header.name,
    size: header.size,
    sha256: header.sha256,
    offset: header.offset,
  };
}
