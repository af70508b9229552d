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
  const info = await stat(real).catch((error: NodeJS.ErrnoException) => {
    // The system's message names the real path (where a symlink led): never sent.
    throw new WorkerError(
      error.code === 'ENOENT' || error.code === 'ENOTDIR' ? 'not_found' : 'path_denied',
      error.code === 'ENOENT' || error.code === 'ENOTDIR'
        ? `${request.path} does not exist on this worker; list the folder with paths.list (\`trainwire browse\`) to pick a file`
        : `${request.path} cannot be read by the worker`,
      { cause: error, details: { path: request.path } },
    );
  });
  if (!info.isFile())
    throw new WorkerError(
      'not_a_file',
      `${request.path} is not a file; name a model, checkpoint or other file`,
      { details: { path: request.path } },
    );
  if (request.offset > info.size) {
    throw new WorkerError(
      'bad_offset',
      `offset ${request.offset} is past the end of ${request.path} (${info.size} bytes); download it again from 0`,
      { details: { path: request.path, size: info.size } },
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
