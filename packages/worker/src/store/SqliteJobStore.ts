import {
  encodeJson,
  type JobEvent,
  JobEventSchema,
  type JobRecord,
  JobSpecSchema,
  type JobState,
  type JobStore,
  utf8Length,
} from '@trainwire/core';
import { WorkerError } from '../errors.js';
import type { JobOwner } from '../PeerIdentity.js';
import type { WorkerDatabase } from './openDatabase.js';

/** A job as this worker keeps it: core's record plus who started it. */
export interface StoredJobRecord extends JobRecord {
  /** The credential that started it; absent when the local (embedded) mode did. */
  owner?: JobOwner;
}

interface JobRow {
  job_id: string;
  spec: string;
  state: string;
  worker_id: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  exit_code: number | null;
  error: string | null;
  last_seq: number;
  owner_credential_id: string | null;
  owner_name: string | null;
}

/**
 * Core's `JobStore` port on SQLite: jobs and their numbered events, each event written
 * (and committed) as it happens, so history survives a crash or a restart.
 *
 * @example
 * ```ts
 * const store = new SqliteJobStore(openDatabase(join(dataDir, 'worker.sqlite')));
 * store.eventsAfter('job-1', 0);
 * ```
 */
export class SqliteJobStore implements JobStore {
  private readonly insertJob;
  private readonly selectJob;
  private readonly selectJobs;
  private readonly selectLastSeq;
  private readonly insertEvent;
  private readonly bumpSeq;
  private readonly selectEvents;
  private readonly selectEventsUntil;
  /** Compiled once: building a better-sqlite3 transaction per event is costly. */
  private readonly appendInTransaction: (event: JobEvent) => void;

  constructor(private readonly db: WorkerDatabase) {
    this.insertJob = db.prepare(
      `INSERT INTO jobs (job_id, spec, profile, name, state, worker_id, created_at, started_at, ended_at, exit_code, error, owner_credential_id, owner_name)
       VALUES (@job_id, @spec, @profile, @name, @state, @worker_id, @created_at, @started_at, @ended_at, @exit_code, @error, @owner_credential_id, @owner_name)`,
    );
    this.selectJob = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE job_id = ?');
    this.selectJobs = db.prepare<[], JobRow>('SELECT * FROM jobs ORDER BY created_at, job_id');
    this.selectLastSeq = db.prepare<[string], { last_seq: number }>(
      'SELECT last_seq FROM jobs WHERE job_id = ?',
    );
    this.insertEvent = db.prepare(
      'INSERT INTO job_events (job_id, seq, ts, type, body) VALUES (?, ?, ?, ?, ?)',
    );
    this.bumpSeq = db.prepare('UPDATE jobs SET last_seq = ? WHERE job_id = ? AND last_seq = ?');
    this.selectEvents = db.prepare<[string, number], { body: string }>(
      'SELECT body FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq',
    );
    this.selectEventsUntil = db.prepare<[string, number, number], { body: string }>(
      'SELECT body FROM job_events WHERE job_id = ? AND seq > ? AND seq <= ? ORDER BY seq',
    );
    this.appendInTransaction = db.transaction((event: JobEvent) => {
      const bumped = this.bumpSeq.run(event.seq, event.jobId, event.seq - 1);
      if (bumped.changes === 0) {
        const job = this.selectJob.get(event.jobId);
        if (!job) throw unknownJob(event.jobId);
        throw new WorkerError(
          'store_failed',
          `event ${event.seq} of job ${event.jobId} is out of order: the store holds up to ${job.last_seq}`,
        );
      }
      // encodeJson keeps a NaN or infinite loss (as "NaN"/"Infinity"); JSON.stringify would write null.
      const body = encodeJson(event);
      this.insertEvent.run(event.jobId, event.seq, Math.round(event.ts), event.type, body);
    });
  }

  createJob(record: Omit<StoredJobRecord, 'lastSeq'>): void {
    try {
      this.insertJob.run({
        job_id: record.jobId,
        spec: JSON.stringify(record.spec),
        profile: record.spec.profile,
        name: record.spec.name ?? null,
        state: record.state,
        worker_id: record.workerId,
        created_at: record.createdAt,
        started_at: record.startedAt ?? null,
        ended_at: record.endedAt ?? null,
        exit_code: record.exitCode ?? null,
        error: record.error ? JSON.stringify(record.error) : null,
        owner_credential_id: record.owner?.credentialId ?? null,
        owner_name: record.owner?.name ?? null,
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new WorkerError(
          'job_conflict',
          `job ${record.jobId} exists already; pick a new job id`,
        );
      }
      throw error;
    }
  }

  getJob(jobId: string): StoredJobRecord | undefined {
    const row = this.selectJob.get(jobId);
    return row ? toRecord(row) : undefined;
  }

  listJobs(): StoredJobRecord[] {
    return this.selectJobs.all().map(toRecord);
  }

  updateJob(jobId: string, patch: Partial<Omit<JobRecord, 'jobId' | 'lastSeq'>>): void {
    const columns: Record<string, unknown> = {};
    if (patch.spec !== undefined) columns.spec = JSON.stringify(patch.spec);
    if (patch.state !== undefined) columns.state = patch.state;
    if (patch.workerId !== undefined) columns.worker_id = patch.workerId;
    if (patch.createdAt !== undefined) columns.created_at = patch.createdAt;
    if ('startedAt' in patch) columns.started_at = patch.startedAt ?? null;
    if ('endedAt' in patch) columns.ended_at = patch.endedAt ?? null;
    if ('exitCode' in patch) columns.exit_code = patch.exitCode ?? null;
    if ('error' in patch) columns.error = patch.error ? JSON.stringify(patch.error) : null;
    const names = Object.keys(columns);
    if (names.length === 0) return;
    const result = this.db
      .prepare(
        `UPDATE jobs SET ${names.map((n) => `${n} = @${n}`).join(', ')} WHERE job_id = @job_id`,
      )
      .run({ ...columns, job_id: jobId });
    if (result.changes === 0) throw unknownJob(jobId);
  }

  appendEvent(event: JobEvent): void {
    this.appendInTransaction(event);
  }

  /**
   * Events after `afterSeq` (up to `untilSeq`) that fit `maxBytes` of JSON, read lazily so
   * a page costs the same at the start and at the end of a long history; `more` is true
   * when the range goes on. Same accounting as core's `takeWithinBytes`.
   */
  page(
    jobId: string,
    afterSeq: number,
    untilSeq: number | undefined,
    maxBytes: number,
  ): { events: JobEvent[]; more: boolean } {
    const rows =
      untilSeq === undefined
        ? this.selectEvents.iterate(jobId, afterSeq)
        : this.selectEventsUntil.iterate(jobId, afterSeq, untilSeq);
    const events: JobEvent[] = [];
    let bytes = 64;
    for (const row of rows) {
      const size = utf8Length(row.body) + 1;
      if (bytes + size > maxBytes && events.length > 0) {
        rows.return?.();
        return { events, more: true };
      }
      bytes += size;
      // Written by this worker after validation: parsing the JSON is enough.
      events.push(JSON.parse(row.body) as JobEvent);
    }
    return { events, more: false };
  }

  /** Epochs done according to the job's `epoch_end` progress events (0 when none). */
  epochsDone(jobId: string): number {
    const row = this.db
      .prepare<[string], { last: number | null }>(
        `SELECT MAX(json_extract(body, '$.progress.epoch')) AS last FROM job_events
         WHERE job_id = ? AND type = 'progress' AND json_extract(body, '$.progress.event') = 'epoch_end'`,
      )
      .get(jobId);
    return row?.last === null || row?.last === undefined ? 0 : row.last + 1;
  }

  lastSeq(jobId: string): number {
    return this.selectLastSeq.get(jobId)?.last_seq ?? 0;
  }

  eventsAfter(jobId: string, afterSeq: number, untilSeq?: number): JobEvent[] {
    const rows =
      untilSeq === undefined
        ? this.selectEvents.all(jobId, afterSeq)
        : this.selectEventsUntil.all(jobId, afterSeq, untilSeq);
    return rows.map((row) => JobEventSchema.parse(JSON.parse(row.body)));
  }
}

function toRecord(row: JobRow): StoredJobRecord {
  const record: StoredJobRecord = {
    jobId: row.job_id,
    spec: JobSpecSchema.parse(JSON.parse(row.spec)),
    state: row.state as JobState,
    workerId: row.worker_id,
    createdAt: row.created_at,
    lastSeq: row.last_seq,
  };
  if (row.started_at !== null) record.startedAt = row.started_at;
  if (row.ended_at !== null) record.endedAt = row.ended_at;
  if (row.exit_code !== null) record.exitCode = row.exit_code;
  if (row.error !== null) record.error = JSON.parse(row.error);
  if (row.owner_credential_id !== null) {
    record.owner = { credentialId: row.owner_credential_id };
    if (row.owner_name !== null) record.owner.name = row.owner_name;
  }
  return record;
}

function unknownJob(jobId: string): WorkerError {
  return new WorkerError('unknown_job', `this worker has no job ${jobId}; list jobs with job.list`);
}
