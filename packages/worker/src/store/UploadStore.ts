import type { WorkerDatabase } from './openDatabase.js';

/** A file received (or being received) by upload, known by its SHA-256. */
export interface UploadRecord {
  sha256: string;
  name: string;
  size: number;
  /** Where the verified file lies (complete) or where its bytes collect (partial). */
  path: string;
  complete: boolean;
}

/** Uploads by content hash, so a file the worker has is never sent twice. */
export class UploadStore {
  constructor(private readonly db: WorkerDatabase) {}

  /** The upload with this hash, if any. */
  get(sha256: string): UploadRecord | undefined {
    const row = this.db
      .prepare<
        [string],
        { sha256: string; name: string; size: number; path: string; complete: number }
      >('SELECT * FROM uploads WHERE sha256 = ?')
      .get(sha256);
    return row ? { ...row, complete: row.complete === 1 } : undefined;
  }

  /** Records or replaces the upload with `record.sha256`. */
  put(record: UploadRecord): void {
    this.db
      .prepare(
        `INSERT INTO uploads (sha256, name, size, path, complete, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(sha256) DO UPDATE SET name = excluded.name, size = excluded.size,
           path = excluded.path, complete = excluded.complete`,
      )
      .run(
        record.sha256,
        record.name,
        record.size,
        record.path,
        record.complete ? 1 : 0,
        Date.now(),
      );
  }

  /** Forgets an upload (its file was removed). */
  delete(sha256: string): void {
    this.db.prepare('DELETE FROM uploads WHERE sha256 = ?').run(sha256);
  }
}
