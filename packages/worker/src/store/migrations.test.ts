import { join } from 'node:path';
import { JobSpecSchema } from '@trainwire/core';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanTempDirs, tempDir } from '../__tests__/helpers.js';
import { ExperimentStore } from './ExperimentStore.js';
import { MIGRATIONS } from './migrations.js';
import { openDatabase } from './openDatabase.js';
import { SqliteJobStore } from './SqliteJobStore.js';
import { UploadStore } from './UploadStore.js';

afterEach(cleanTempDirs);

describe('store migrations', () => {
  it('brings a store of the first schema to owners: its jobs and uploads become the local mode’s', () => {
    const file = join(tempDir(), 'worker.sqlite');
    const old = new Database(file);
    old.exec(MIGRATIONS[0]!);
    old.pragma('user_version = 1');
    old
      .prepare(
        `INSERT INTO jobs (job_id, spec, profile, state, worker_id, created_at)
         VALUES ('j1', '{"profile":"builtin","config":{}}', 'builtin', 'completed', 'w', 1)`,
      )
      .run();
    old
      .prepare(
        `INSERT INTO uploads (sha256, name, size, path, complete, created_at)
         VALUES (?, 'a.csv', 3, '/d/uploads/x/a.csv', 1, 1)`,
      )
      .run('a'.repeat(64));
    old.close();

    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const jobs = new SqliteJobStore(db);
    expect(jobs.getJob('j1')).toMatchObject({ jobId: 'j1', state: 'completed' });
    expect(jobs.getJob('j1')?.owner).toBeUndefined();
    jobs.createJob({
      jobId: 'j2',
      spec: JobSpecSchema.parse({ profile: 'builtin', config: {} }),
      state: 'starting',
      workerId: 'w',
      createdAt: 2,
      owner: { credentialId: 'c1', name: 'alice' },
    });
    expect(jobs.listJobs().map((j) => j.owner)).toEqual([
      undefined,
      { credentialId: 'c1', name: 'alice' },
    ]);

    const uploads = new UploadStore(db);
    expect(uploads.get('a'.repeat(64), undefined)).toMatchObject({ name: 'a.csv', complete: true });
    expect(uploads.get('a'.repeat(64), 'c1')).toBeUndefined();
    expect(uploads.owns('c1', 'a'.repeat(64))).toBe(false);
    uploads.put({
      sha256: 'a'.repeat(64),
      name: 'b.csv',
      size: 3,
      path: '/p',
      complete: true,
      ownerCredentialId: 'c1',
    });
    expect(uploads.owns('c1', 'a'.repeat(64), 'b.csv')).toBe(true);
    expect(uploads.owns('c1', 'a'.repeat(64), 'a.csv')).toBe(false);
    db.close();
  });

  it('brings a store of the second schema to experiments of their own: each job runs in the experiment of its id', () => {
    const file = join(tempDir(), 'worker.sqlite');
    const old = new Database(file);
    old.exec(MIGRATIONS[0]!);
    old.exec(MIGRATIONS[1]!);
    old.pragma('user_version = 2');
    old
      .prepare(
        `INSERT INTO jobs (job_id, spec, profile, state, worker_id, created_at, ended_at)
         VALUES ('j1', '{"profile":"builtin","config":{}}', 'builtin', 'completed', 'w', 1, 50)`,
      )
      .run();
    old
      .prepare(
        `INSERT INTO experiments (id, name, config, status, tags, job_id, created_at, updated_at)
         VALUES ('j1', 'first', '{}', 'completed', '["a"]', 'j1', 1, 50)`,
      )
      .run();
    old.close();

    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const experiments = new ExperimentStore(db);
    expect(experiments.get('j1')).toMatchObject({ id: 'j1', status: 'completed', finishedAt: 50 });
    expect(experiments.jobIds('j1')).toEqual(['j1']);
    expect(experiments.page({ tag: 'a', offset: 0, limit: 10 }).total).toBe(1);
    db.close();
  });

  it('brings a store of the third schema to fine-tunes: rows kept, lookups indexed, references still enforced', () => {
    const file = join(tempDir(), 'worker.sqlite');
    const old = new Database(file);
    for (const migration of MIGRATIONS.slice(0, 3)) old.exec(migration);
    old.pragma('user_version = 3');
    old.exec(`
      INSERT INTO jobs (job_id, spec, profile, state, worker_id, created_at, experiment_id)
        VALUES ('j1', '{"profile":"builtin","config":{}}', 'builtin', 'completed', 'w', 1, 'e1');
      INSERT INTO experiments (id, name, config, status, tags, job_id, created_at, updated_at, finished_at)
        VALUES ('e1', 'parent', '{}', 'completed', '[]', 'j1', 1, 5, 5);
      INSERT INTO experiments (id, name, config, parent_id, relation, checkpoint_source, status, created_at, updated_at)
        VALUES ('e2', 'child', '{"epochs":3}', 'e1', 'continue', '/d/last.json', 'created', 2, 2);
      INSERT INTO artifacts (id, kind, path, size, experiment_id, job_id, created_at)
        VALUES ('a1', 'checkpoint', '/d/last.json', 3, 'e1', 'j1', 3);
      INSERT INTO models (name, version, artifact_id, active, created_at) VALUES ('m', 1, 'a1', 1, 4);
    `);
    old.close();

    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const experiments = new ExperimentStore(db);
    expect(experiments.get('e2')).toMatchObject({
      parentId: 'e1',
      relation: 'continue',
      checkpointSource: '/d/last.json',
      config: { epochs: 3 },
    });
    expect(experiments.get('e1')).toMatchObject({ status: 'completed', finishedAt: 5 });
    expect(experiments.children('e1')).toEqual(['e2']);
    const indexes = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index'")
      .all()
      .map((r) => r.name);
    expect(indexes).toEqual(
      expect.arrayContaining([
        'experiments_by_parent',
        'experiments_by_created',
        'models_by_artifact',
        'jobs_by_experiment',
      ]),
    );
    // The child lookup and the registry's lookup by artifact use them.
    const plan = (sql: string) =>
      db
        .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all()
        .map((r) => r.detail)
        .join(' ');
    expect(plan("SELECT id FROM experiments WHERE parent_id = 'e1'")).toContain(
      'experiments_by_parent',
    );
    expect(plan("SELECT name FROM models WHERE artifact_id = 'a1'")).toContain(
      'models_by_artifact',
    );
    // A fine-tune is a relation of its own now; references are still checked.
    experiments.create({
      id: 'e3',
      name: 'tuned',
      config: {},
      parentId: 'e1',
      relation: 'fine-tune',
      sourceModel: { name: 'm', version: 1 },
      status: 'created',
      tags: [],
    });
    expect(experiments.get('e3')).toMatchObject({
      relation: 'fine-tune',
      sourceModel: { name: 'm', version: 1 },
    });
    expect(() =>
      db
        .prepare(
          "INSERT INTO experiments (id, name, config, parent_id, status, created_at, updated_at) VALUES ('e4', 'x', '{}', 'missing', 'created', 1, 1)",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    expect(() =>
      db
        .prepare(
          "INSERT INTO experiments (id, name, config, relation, status, created_at, updated_at) VALUES ('e5', 'x', '{}', 'copy', 'created', 1, 1)",
        )
        .run(),
    ).toThrow(/CHECK/);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });
});
