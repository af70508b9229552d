import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { WorkerError } from '../errors.js';
import { MIGRATIONS, MIGRATIONS_REBUILDING_TABLES } from './migrations.js';

/** An open better-sqlite3 database. */
export type WorkerDatabase = Database.Database;

/** Permissions of the store's files. */
export interface OpenDatabaseOptions {
  /** Mode of the database file and its `-wal` / `-shm` files; 0600 by default. */
  fileMode?: number;
  /** Mode of its folder when it has to be created; 0700 by default. */
  dirMode?: number;
}

/**
 * Opens (or creates) the worker's SQLite file in WAL mode and applies the migrations it
 * has not seen yet (`PRAGMA user_version` holds the schema version). The file (and the
 * write-ahead log SQLite gives the same mode) is readable by the worker's user only,
 * unless `fileMode` says otherwise; an existing store is brought to that mode.
 *
 * @example
 * ```ts
 * const db = openDatabase(join(dataDir, 'worker.sqlite'), { fileMode: 0o640 });
 * ```
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): WorkerDatabase {
  const fileMode = options.fileMode ?? 0o600;
  let db: WorkerDatabase;
  try {
    if (path !== ':memory:') {
      const dir = dirname(path);
      if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: options.dirMode ?? 0o700 });
      // Created by us with its mode first: SQLite would make it 0644, and its -wal and
      // -shm files copy the database file's mode.
      closeSync(openSync(path, 'a', fileMode));
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        if (existsSync(file)) chmodSync(file, fileMode);
      }
    }
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
    const rebuild = MIGRATIONS_REBUILDING_TABLES.has(version);
    // Outside a transaction: SQLite ignores this pragma inside one.
    if (rebuild) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(MIGRATIONS[version]!);
        if (rebuild) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) {
            throw new WorkerError(
              'store_failed',
              `migration ${version + 1} of the worker store ${path} left ${broken.length} broken reference(s); the store is unchanged — report this with a copy of the file`,
            );
          }
        }
        db.pragma(`user_version = ${version + 1}`);
      })();
    } finally {
      if (rebuild) db.pragma('foreign_keys = ON');
    }
  }
  return db;
}
