import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

type DatabaseConstructor = typeof import('better-sqlite3');

// The worker's own better-sqlite3, so the check reads the file with the same SQLite.
const fromWorker = createRequire(
  fileURLToPath(new URL('../../worker/package.json', import.meta.url)),
);

/** `PRAGMA integrity_check` of the worker's store in `dataDir`: `"ok"` or the problems. */
export function storeIntegrity(dataDir: string): string {
  const Database = fromWorker('better-sqlite3') as DatabaseConstructor;
  const db = new Database(join(dataDir, 'worker.sqlite'), { fileMustExist: true });
  try {
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    return rows.map((row) => row.integrity_check).join('; ');
  } finally {
    db.close();
  }
}
