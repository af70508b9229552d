import { isAbsolute, relative, sep } from 'node:path';
import type { PathGuard } from '../sandbox/Sandbox.js';
import type { UploadStore } from '../store/UploadStore.js';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * What one member may reach in the worker's uploads folder: the folders and files of their
 * own complete uploads, and the folder itself (listed with only those). Everything else
 * there — other members' uploads, partial uploads, anything that may not exist — is
 * refused with the same words, so a refusal tells nothing about what is there. Paths
 * outside the uploads folder are not its business.
 */
export class UploadGuard implements PathGuard {
  readonly reason =
    'it is not among the files this worker shares with you: an upload is visible to the member who uploaded it only; upload the file yourself';

  constructor(
    private readonly store: UploadStore,
    /** The real path of the uploads folder. */
    private readonly uploadsDir: string,
    private readonly credentialId: string,
  ) {}

  allows(real: string): boolean {
    const rel = relative(this.uploadsDir, real);
    if (rel === '') return true;
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return true;
    const [sha256, name, ...deeper] = rel.split(sep);
    if (sha256 === undefined || !SHA256.test(sha256) || deeper.length > 0) return false;
    return this.store.owns(this.credentialId, sha256, name);
  }
}
