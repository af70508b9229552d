// The file memory.bench moves: written by streaming (one 1 MiB block in memory at a time),
// every 32-bit word a function of its offset, so a chunk written at a wrong offset, twice,
// or not at all changes the SHA-256.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

const BLOCK = 1024 * 1024;

/** Fills `words` with block `index` of the pattern. */
function fillBlock(words, index) {
  const first = index * (BLOCK / 4);
  for (let i = 0; i < words.length; i++) {
    // A multiplicative hash of the word's index, mixed with the block's: no two blocks alike.
    words[i] = Math.imul((first + i) | 0, 2654435761) ^ Math.imul(index + 1, 40503);
  }
}

/**
 * Writes `size` bytes of the pattern to `path`; resolves with their SHA-256 (hex).
 * @example
 *   const sha256 = await writePatternFile('/tmp/x/source.bin', 4 * 2 ** 30);
 */
export async function writePatternFile(path, size) {
  const hash = createHash('sha256');
  const block = new Uint8Array(BLOCK);
  const words = new Uint32Array(block.buffer);
  const file = await open(path, 'w');
  try {
    for (let index = 0, at = 0; at < size; index++, at += BLOCK) {
      fillBlock(words, index);
      const bytes = block.subarray(0, Math.min(BLOCK, size - at));
      hash.update(bytes);
      await file.write(bytes, 0, bytes.length, at);
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

/** Size and SHA-256 of the file at `path`, read as a stream. */
export async function hashFile(path) {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: BLOCK })) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: hash.digest('hex') };
}
