import type { WorkerDatabase } from './openDatabase.js';

/** A file received (or being received) by upload, known by its SHA-256 and its uploader. */
export interface UploadRecord {
  sha256: string;
  name: string;
  size: number;
  /** Where the verified file lies (complete) or where its bytes collect (partial). */
  path: string;
  complete: boolean;
  /** The credential that uploaded it; absent for the local (embedded) mode. */
  ownerCredentialId?: string;
}

interface UploadRow {
  sha256: string;
  owner_credential_id: string | null;
  name: string;
  size: number;
  path: string;
  complete: number;
}

/**
 * Uploads by content hash and uploader: a file an uploader sent is never sent twice by
 * them, and another member's copy of the same bytes is theirs only once they sent it too.
 */
export class UploadStore {
  // Prepared once: `owns` runs for every entry of a listing of the uploads folder.
  private readonly selectOwn;
  private readonly selectAnyComplete;
  private readonly selectOwnsHash;
  private readonly selectOwnsFile;
  private readonly updateUpload;
  private readonly insertUpload;
  private readonly deleteUpload;

  constructor(private readonly db: WorkerDatabase) {
    this.selectOwn = db.prepare<[string, string], UploadRow>(
      `SELECT * FROM uploads WHERE sha256 = ? AND ifnull(owner_credential_id, '') = ?`,
    );
    this.selectAnyComplete = db.prepare<[string], UploadRow>(
      `SELECT * FROM uploads WHERE sha256 = ? AND complete = 1
       ORDER BY owner_credential_id IS NOT NULL, created_at LIMIT 1`,
    );
    this.selectOwnsHash = db.prepare<[string, string], { n: number }>(
      'SELECT 1 AS n FROM uploads WHERE owner_credential_id = ? AND sha256 = ? AND complete = 1',
    );
    this.selectOwnsFile = db.prepare<[string, string, string], { n: number }>(
      'SELECT 1 AS n FROM uploads WHERE owner_credential_id = ? AND sha256 = ? AND name = ? AND complete = 1',
    );
    this.updateUpload = db.prepare<[string, number, string, number, string, string]>(
      `UPDATE uploads SET name = ?, size = ?, path = ?, complete = ?
       WHERE sha256 = ? AND ifnull(owner_credential_id, '') = ?`,
    );
    this.insertUpload = db.prepare<[string, string | null, string, number, string, number, number]>(
      `INSERT INTO uploads (sha256, owner_credential_id, name, size, path, complete, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.deleteUpload = db.prepare<[string, string]>(
      `DELETE FROM uploads WHERE sha256 = ? AND ifnull(owner_credential_id, '') = ?`,
    );
  }

  /**
   * The upload with this hash by this uploader (`undefined`: the local mode), if any.
   *
   * @example
   * ```ts
   * store.get(sha256, transport.remote?.credentialId);
   * ```
   */
  get(sha256: string, ownerCredentialId: string | undefined): UploadRecord | undefined {
    const row = this.selectOwn.get(sha256, ownerCredentialId ?? '');
    return row ? toRecord(row) : undefined;
  }

  /** A complete upload with this hash by anyone (the local mode may use every upload). */
  anyComplete(sha256: string): UploadRecord | undefined {
    const row = this.selectAnyComplete.get(sha256);
    return row ? toRecord(row) : undefined;
  }

  /**
   * True when `ownerCredentialId` has a complete upload with this hash (and this file
   * name, when given).
   */
  owns(ownerCredentialId: string, sha256: string, name?: string): boolean {
    const row =
      name === undefined
        ? this.selectOwnsHash.get(ownerCredentialId, sha256)
        : this.selectOwnsFile.get(ownerCredentialId, sha256, name);
    return row !== undefined;
  }

  /** Records or replaces the upload of `record.sha256` by `record.ownerCredentialId`. */
  put(record: UploadRecord): void {
    const owner = record.ownerCredentialId ?? null;
    const complete = record.complete ? 1 : 0;
    this.db.transaction(() => {
      const changed = this.updateUpload.run(
        record.name,
        record.size,
        record.path,
        complete,
        record.sha256,
        owner ?? '',
      );
      if (changed.changes > 0) return;
      this.insertUpload.run(
        record.sha256,
        owner,
        record.name,
        record.size,
        record.path,
        complete,
        Date.now(),
      );
    })();
  }

  /** Forgets one uploader's upload (its file was removed). */
  delete(sha256: string, ownerCredentialId: string | undefined): void {
    this.deleteUpload.run(sha256, ownerCredentialId ?? '');
  }
}

function toRecord(row: UploadRow): UploadRecord {
  const record: UploadRecord = {
    sha256: row.sha256,
    name: row.name,
    size: row.size,
    path: row.path,
    complete: row.complete === 1,
  };
  if (row.owner_credential_id !== null) record.ownerCredentialId = row.owner_credential_id;
  return record;
}
