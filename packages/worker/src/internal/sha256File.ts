import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** A file's identity as the kernel keeps it: any write changes its size, mtime or ctime. */
type Version = string;

async function versionOf(path: string): Promise<Version | undefined> {
  const info = await stat(path, { bigint: true }).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
}

/**
 * SHA-256 of files, remembered per file version: the worker hashes one file several times
 * (recorded as an artifact, `paths.check` with `sha256`, `file.download`), and a 5 GB model
 * read three times is a minute before its download starts. A version is the file's inode,
 * size, mtime and ctime in nanoseconds; ctime cannot be set back from user space, so a
 * changed file is never answered from the cache. At most `limit` files are remembered.
 */
export class Sha256Cache {
  /** Answers given without reading the file. */
  hits = 0;
  private readonly known = new Map<string, { version: Version; digest: string }>();

  constructor(private readonly limit = 256) {}

  /** SHA-256 of the file at `path`, lowercase hex. */
  async of(path: string): Promise<string> {
    const before = await versionOf(path);
    const cached = this.known.get(path);
    if (before !== undefined && cached?.version === before) {
      this.hits++;
      return cached.digest;
    }
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    const digest = hash.digest('hex');
    // Remembered only when nothing wrote to it while it was read.
    if (before !== undefined && (await versionOf(path)) === before) {
      this.known.delete(path);
      this.known.set(path, { version: before, digest });
      if (this.known.size > this.limit) this.known.delete(this.known.keys().next().value!);
    }
    return digest;
  }
}

const shared = new Sha256Cache();

/** SHA-256 of a file, lowercase hex (remembered per file version, see {@link Sha256Cache}). */
export function sha256File(path: string): Promise<string> {
  return shared.of(path);
}
