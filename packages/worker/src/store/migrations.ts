/**
 * Schema migrations, in order; never edit one that shipped, append a new one.
 * `PRAGMA user_version` is the number applied. Those in
 * {@link MIGRATIONS_REBUILDING_TABLES} rebuild a table that others reference: they run with
 * foreign keys off (SQLite's documented way), checked before they commit.
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
  // 2: who started each job (the credential id the signaling server attested; NULL = the
  // local, embedded mode), and one upload row per uploader, so a member uses and sees only
  // the uploads they sent. Uploads made before this belong to the local mode.
  `
  ALTER TABLE jobs ADD COLUMN owner_credential_id TEXT;
  ALTER TABLE jobs ADD COLUMN owner_name TEXT;
  CREATE TABLE uploads_by_owner (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL,
    owner_credential_id TEXT,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    path TEXT NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  INSERT INTO uploads_by_owner (sha256, owner_credential_id, name, size, path, complete, created_at)
    SELECT sha256, NULL, name, size, path, complete, created_at FROM uploads;
  DROP TABLE uploads;
  ALTER TABLE uploads_by_owner RENAME TO uploads;
  CREATE UNIQUE INDEX uploads_by_sha256_owner ON uploads(sha256, ifnull(owner_credential_id, ''));
  CREATE INDEX jobs_by_owner ON jobs(owner_credential_id);
  `,
  // 3: experiments as their own records: every job names the experiment it runs in (the
  // ones before this ran in the experiment of their own id), how a child derives from its
  // parent, when its latest job ended and with which metrics.
  `
  ALTER TABLE jobs ADD COLUMN experiment_id TEXT;
  UPDATE jobs SET experiment_id = job_id WHERE job_id IN (SELECT id FROM experiments);
  ALTER TABLE experiments ADD COLUMN relation TEXT CHECK (relation IN ('continue','retry'));
  ALTER TABLE experiments ADD COLUMN finished_at INTEGER;
  ALTER TABLE experiments ADD COLUMN final_metrics TEXT;
  UPDATE experiments SET finished_at = (SELECT ended_at FROM jobs WHERE jobs.job_id = experiments.job_id)
    WHERE status IN ('completed','failed','cancelled');
  CREATE INDEX experiments_by_created ON experiments(created_at);
  CREATE INDEX jobs_by_experiment ON jobs(experiment_id);
  `,
  // 4: the lookups of lineage (children of an experiment) and of the registry (the models
  // of an artifact) scanned whole tables without these.
  `
  CREATE INDEX IF NOT EXISTS experiments_by_parent ON experiments(parent_id);
  CREATE INDEX IF NOT EXISTS models_by_artifact ON models(artifact_id);
  `,
  // 5: fine-tunes: an experiment may derive from a registered model (relation 'fine-tune',
  // the model version in source_model). SQLite cannot widen a CHECK in place, so the table
  // is rebuilt with every row and index as it was.
  `
  CREATE TABLE experiments_next (
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
    updated_at INTEGER NOT NULL,
    relation TEXT CHECK (relation IN ('continue','retry','fine-tune')),
    finished_at INTEGER,
    final_metrics TEXT,
    source_model TEXT
  );
  INSERT INTO experiments_next (id, name, preset, config, parent_id, checkpoint_source, status,
      tags, job_id, created_at, updated_at, relation, finished_at, final_metrics)
    SELECT id, name, preset, config, parent_id, checkpoint_source, status, tags, job_id,
      created_at, updated_at, relation, finished_at, final_metrics FROM experiments;
  DROP TABLE experiments;
  ALTER TABLE experiments_next RENAME TO experiments;
  CREATE INDEX experiments_by_created ON experiments(created_at);
  CREATE INDEX experiments_by_parent ON experiments(parent_id);
  `,
];

/** Indexes (0-based) of the migrations that must run with foreign keys off. */
export const MIGRATIONS_REBUILDING_TABLES: ReadonlySet<number> = new Set([4]);
