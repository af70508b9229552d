import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { LocalFile } from '@trainwire/core';
import { UsageError } from '../errors.js';
import { fsProblem } from './fsProblem.js';
import { sha256File } from './sha256File.js';

/**
 * A file on this machine, hashed once, readable from any offset (for resumed uploads);
 * `flag` is how the command's errors name the flag that takes it.
 */
export async function localFile(path: string, flag = '--upload ROLE=PATH'): Promise<LocalFile> {
  const info = await stat(path).catch((error: unknown) => {
    throw new UsageError(
      `cannot upload ${path}: ${fsProblem(error)}; pass ${flag} with a file on this machine`,
      { cause: error },
    );
  });
  if (!info.isFile())
    throw new UsageError(
      `cannot upload ${path}: it is ${info.isDirectory() ? 'a folder' : 'not a regular file'}; pass ${flag} with a file`,
    );
  const sha256 = await sha256File(path);
  return {
    name: basename(path),
    size: info.size,
    sha256,
    async *read(offset: number) {
      for await (const chunk of createReadStream(path, {
        start: offset,
        highWaterMark: 256 * 1024,
      })) {
        yield new Uint8Array(
          (chunk as Buffer).buffer,
          (chunk as Buffer).byteOffset,
          (chunk as Buffer).length,
        );
      }
    },
  };
}
