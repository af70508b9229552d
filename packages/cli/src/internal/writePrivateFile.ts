import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes `text` readable only by the user (0600; its folder 0700 when created), atomically:
 * a temporary file beside it, then a rename, so a crash leaves the old file or the new
 * one, never half of one. The temporary file is removed when a step fails.
 */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(temp, text, { mode: 0o600 });
    // The mode given to writeFile is masked by the umask; chmod is not.
    await chmod(temp, 0o600);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}
