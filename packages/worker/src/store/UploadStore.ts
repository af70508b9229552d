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
  constructor(private readonly db: WorkerDatabase) {}

  /**
   * The upload with this hash by this uploader (`undefined`: the local mode), if any.
   *
   * @example
   * ```ts
   * store.get(sha256, transport.remote?.credentialId);
   * ```
   */
  get(sha256: string, ownerCredentialId: string | undefined): UploadRecord | undefined {
    const row = this.db
      .prepare<[string, string], UploadRow>(
        `SELECT * FROM uploads WHERE sha256 = ? AND ifnull(owner_credential_id, '') = ?`,
      )
      .get(sha256, ownerCredentialId ?? '');
    return row ? toRecord(row) : undefined;
  }

  /** A complete upload with this hash by anyone (the local mode may use every upload). */
  anyComplete(sha256: string): UploadRecord | undefined {
    const row = this.db
      .prepare<[string], UploadRow>(
        `SELECT * FROM uploads WHERE sha256 = ? AND complete = 1
         ORDER BY owner_credential_id IS NOT NULL, created_at LIMIT 1`,
      )
      .get(sha256);
    return row ? toRecord(row) : undefined;
  }

  /**
   * True when `ownerCredentialId` has a complete upload with this hash (and this file
   * name, when given).
   */
  owns(ownerCredentialId: string, sha256: string, name?: string): boolean {
    const row =
      name === undefined
        ? this.db
            .prepare<[string, string], { n: number }>(
              'SELECT 1 AS n FROM uploads WHERE owner_credential_id = ? AND sha256 = ? AND complete = 1',
            )
            .get(ownerCredentialId, sha256)
        : this.db
            .prepare<[string, string, string], { n: number }>(
              'SELECT 1 AS n FROM uploads WHERE owner_credential_id = ? AND sha256 = ? AND name = ? AND complete = 1',
            )
            .get(ownerCredentialId, sha256, name);
    return row !== undefined;
  }

  /** Records or replaces the upload of `record.sha256` by `record.ownerCredentialId`. */
  put(record: UploadRecord): void {
    const owner = record.ownerCredentialId ?? null;
    this.db.transaction(() => {
      const changed = this.db
        .prepare(
          `UPDATE uploads SET name = ?, size = ?, path = ?, complete = ?
           WHERE sha256 = ? AND ifnull(owner_credential_id, '') = ?`,
        )
        .run(
          record.name,
          record.size,
          record.path,
          record.complete ? 1 : 0,
          record.sha256,
          owner ?? '',
        );
      if (changed.changes > 0) return;
      this.db
        .prepare(
          `INSERT INTO uploads (sha256, owner_credential_id, name, size, path, complete, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          record.sha256,
          owner,
          record.name,
          record.size,
          record.path,
          record.complete ? 1 : 0,
          Date.now(),
        );
    })();
  }

  /** Forgets one uploader's upload (its file was removed). */
  delete(sha256: string, ownerCredentialId: string | undefined): void {
    this.db
      .prepare(`DELETE FROM uploads WHERE sha256 = ? AND ifnull(owner_credential_id, '') = ?`)
      .run(sha256, ownerCredentialId ?? '');
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
