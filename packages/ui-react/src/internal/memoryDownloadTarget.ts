import { createMemoryDownloadTarget, type MemoryDownload } from '@trainwire/core';
import { sha256Hex } from './sha256.js';

/**
 * Where the widgets download a file when the host gives no target of its own: the page's
 * memory (core's `createMemoryDownloadTarget`, hashed by WebCrypto or @noble/hashes), then
 * a Blob the user saves. Fine for predictions and models of a few hundred MiB at most.
 */
export function memoryDownloadTarget(): MemoryDownload {
  return createMemoryDownloadTarget(sha256Hex);
}
