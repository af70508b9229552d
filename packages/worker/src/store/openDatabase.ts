import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { WorkerError } from '../errors.js';
import { MIGRATIONS } from './migrations.js';

/** An open better-sqlite3 database. */
export type WorkerDatabase = Database.Database;

/**
 * Opens (or creates) the worker's SQLite file in WAL mode and applies the migrations it
 * has not seen yet (`PRAGMA user_version` holds the schema version).
 */
export function openDatabase(path: string): WorkerDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: WorkerDatabase;
  try {
    db = new Database(path);
  } catch (error) {
    throw new WorkerError(
      'store_failed',
      `cannot open the worker store ${path}: ${(error as Error).message}; check that the data directory is writable`,
      { cause: error },
    );
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    db.close();
    throw new WorkerError(
      'store_failed',
      `the worker store ${path} has schema version ${current}, newer than this worker knows (${MIGRATIONS.length}); upgrade @trainwire/worker`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return db;
}
