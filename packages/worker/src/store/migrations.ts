/**
 * Schema migrations, in order; never edit one that shipped, append a new one.
 * `PRAGMA user_version` is the number applied.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE jobs (
    job_id TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    profile TEXT NOT NULL,
    name TEXT,
    state TEXT NOT NULL,
    worker_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    ended_at INTEGER,
    exit_code INTEGER,
    error TEXT,
    last_seq INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE job_events (
    job_id TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE experiments (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    preset TEXT,
    config TEXT NOT NULL,
    parent_id TEXT REFERENCES experiments(id),
    checkpoint_source TEXT,
    status TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    job_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE artifacts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('checkpoint','model','dataset','log','predictions','video')),
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT,
    epoch INTEGER,
    label TEXT,
    metrics TEXT,
    experiment_id TEXT REFERENCES experiments(id),
    job_id TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX artifacts_by_job ON artifacts(job_id, created_at);
  CREATE INDEX artifacts_by_experiment ON artifacts(experiment_id);
  CREATE TABLE models (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    artifact_id TEXT NOT NULL REFERENCES artifacts(id),
    active INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (name, version)
  );
  CREATE TABLE uploads (
    sha256 TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    path TEXT NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  `,
];
