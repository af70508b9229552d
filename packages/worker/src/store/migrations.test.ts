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
});
