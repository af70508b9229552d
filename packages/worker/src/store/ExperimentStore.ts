import type {
  Experiment as ExperimentRecord,
  ExperimentRelation,
  ExperimentStatus,
  MetricLogs,
  ModelRef,
} from '@trainwire/core';
import { WorkerError } from '../errors.js';
import type { WorkerDatabase } from './openDatabase.js';
import { pageRows, type RowFilter } from './pageRows.js';

/** A training run as a person thinks of it: a name, a config, where it came from. */
export type Experiment = ExperimentRecord;

/** What a new experiment is made of. */
export interface NewExperiment {
  id: string;
  name: string;
  preset?: string;
  config: Record<string, unknown>;
  parentId?: string;
  relation?: ExperimentRelation;
  checkpointSource?: string;
  /** The registered model version it fine-tunes (`relation: 'fine-tune'`). */
  sourceModel?: ModelRef;
  /** `created` for one without a job yet; a job's first state otherwise. */
  status: string;
  tags: string[];
  /** The job it runs (its first). */
  jobId?: string;
}

/** Which experiments {@link ExperimentStore.page} lists. */
export interface ExperimentQuery {
  status?: ExperimentStatus;
  tag?: string;
  /** A part of the name, case-insensitively. */
  name?: string;
  offset: number;
  limit: number;
}

interface ExperimentRow {
  id: string;
  name: string;
  preset: string | null;
  config: string;
  parent_id: string | null;
  relation: ExperimentRelation | null;
  checkpoint_source: string | null;
  status: ExperimentStatus;
  tags: string;
  job_id: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  final_metrics: string | null;
  source_model: string | null;
}

const FINAL = new Set(['completed', 'failed', 'cancelled']);
/** How far back `setStatus` looks for the last `epoch_end` of a job. */
const METRIC_EVENTS = 64;
/** Most nodes `tree` answers. */
const MAX_TREE = 10_000;

/**
 * Experiments and their lineage (`parentId`, `relation`). Every job runs in one: the
 * `experiment_id` of its row says which, and the experiment's `job_id` is its latest job,
 * whose state is the experiment's status.
 */
export class ExperimentStore {
  constructor(
    private readonly db: WorkerDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a new experiment (and links its job to it, when it names one). */
  create(experiment: NewExperiment): Experiment {
    const now = this.now();
    this.db
      .prepare(
        `INSERT INTO experiments (id, name, preset, config, parent_id, relation, checkpoint_source, source_model, status, tags, job_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        experiment.id,
        experiment.name,
        experiment.preset ?? null,
        JSON.stringify(experiment.config),
        experiment.parentId ?? null,
        experiment.relation ?? null,
        experiment.checkpointSource ?? null,
        experiment.sourceModel === undefined ? null : JSON.stringify(experiment.sourceModel),
        experiment.status,
        JSON.stringify(normaliseTags(experiment.tags)),
        experiment.jobId ?? null,
        now,
        now,
      );
    if (experiment.jobId !== undefined) this.linkJob(experiment.id, experiment.jobId);
    return this.require(experiment.id);
  }

  /**
   * The experiment `id` if a job may start in it now; else `unknown_experiment`, or
   * `experiment_running` while its latest job has not ended.
   */
  requireStartable(id: string): Experiment {
    const experiment = this.require(id);
    const running = this.runningJob(id);
    if (running !== undefined) {
      throw new WorkerError(
        'experiment_running',
        `experiment ${experiment.name} (${id}) already runs job ${running}; wait for it to end, or stop it`,
        { details: { experimentId: id, jobId: running } },
      );
    }
    return experiment;
  }

  /**
   * Records that experiment `id` fine-tunes `model` (its file `checkpointSource`): relation
   * `fine-tune`, and the model's experiment as its parent when it has none.
   */
  markFineTune(id: string, model: ModelRef, checkpointSource: string, parentId?: string): void {
    this.db
      .prepare(
        `UPDATE experiments SET relation = 'fine-tune', source_model = ?, checkpoint_source = ?,
           parent_id = coalesce(parent_id, ?), updated_at = ? WHERE id = ?`,
      )
      .run(JSON.stringify(model), checkpointSource, parentId ?? null, this.now(), id);
  }

  /** Jobs that have not ended and fine-tune version `version` of model `name`. */
  runningFineTunes(name: string, version: number): string[] {
    return this.db
      .prepare<[string, number], { job_id: string }>(
        `SELECT j.job_id FROM jobs j JOIN experiments e ON e.id = j.experiment_id
         WHERE j.state NOT IN ('completed','failed','cancelled')
           AND json_extract(e.source_model, '$.name') = ? AND json_extract(e.source_model, '$.version') = ?
         ORDER BY j.created_at`,
      )
      .all(name, version)
      .map((r) => r.job_id);
  }

  /** Jobs that have not ended and resume from (or start from) the file `path`. */
  runningJobsStartingFrom(path: string): string[] {
    return this.db
      .prepare<[string, string], { job_id: string }>(
        `SELECT j.job_id FROM jobs j LEFT JOIN experiments e ON e.id = j.experiment_id
         WHERE j.state NOT IN ('completed','failed','cancelled')
           AND (json_extract(j.spec, '$.resume') = ? OR e.checkpoint_source = ?)
         ORDER BY j.created_at`,
      )
      .all(path, path)
      .map((r) => r.job_id);
  }

  /** Points experiments that start from the file `from` at `to` (the file was renamed). */
  moveCheckpointSource(from: string, to: string): void {
    this.db
      .prepare('UPDATE experiments SET checkpoint_source = ? WHERE checkpoint_source = ?')
      .run(to, from);
  }

  /** Makes `jobId` the latest job of experiment `id` (a job started in it). */
  attachJob(id: string, jobId: string, status = 'running'): Experiment {
    this.requireStartable(id);
    this.db
      .prepare(
        'UPDATE experiments SET job_id = ?, status = ?, finished_at = NULL, final_metrics = NULL, updated_at = ? WHERE id = ?',
      )
      .run(jobId, status, this.now(), id);
    this.linkJob(id, jobId);
    return this.require(id);
  }

  /**
   * Sets the status of the experiment job `jobId` runs in (an experiment id of the time
   * before jobs named theirs works too), when that job is its latest. A final state also
   * records when it ended and the job's last `epoch_end` metrics.
   */
  setStatus(jobId: string, status: string): void {
    const id =
      this.db
        .prepare<[string], { experiment_id: string | null }>(
          'SELECT experiment_id FROM jobs WHERE job_id = ?',
        )
        .get(jobId)?.experiment_id ?? jobId;
    const experiment = this.get(id);
    if (!experiment || (experiment.jobId !== undefined && experiment.jobId !== jobId)) return;
    const now = this.now();
    const final = FINAL.has(status);
    const metrics = final ? this.lastMetrics(jobId) : undefined;
    this.db
      .prepare(
        'UPDATE experiments SET status = ?, updated_at = ?, finished_at = ?, final_metrics = ? WHERE id = ?',
      )
      .run(
        status,
        now,
        final ? now : null,
        metrics === undefined ? null : JSON.stringify(metrics),
        id,
      );
  }

  /** One experiment by id. */
  get(id: string): Experiment | undefined {
    const row = this.db
      .prepare<[string], ExperimentRow>('SELECT * FROM experiments WHERE id = ?')
      .get(id);
    return row ? toExperiment(row) : undefined;
  }

  /** One experiment by id, or `unknown_experiment`. */
  require(id: string): Experiment {
    const experiment = this.get(id);
    if (experiment) return experiment;
    throw new WorkerError(
      'unknown_experiment',
      `this worker has no experiment ${id}; list them with \`trainwire experiments list\``,
      { details: { experimentId: id } },
    );
  }

  /** Every experiment, newest first. */
  list(): Experiment[] {
    return this.db
      .prepare<[], ExperimentRow>('SELECT * FROM experiments ORDER BY created_at DESC, rowid DESC')
      .all()
      .map(toExperiment);
  }

  /** One page of the experiments that match `query`, newest first, and how many match. */
  page(query: ExperimentQuery): { experiments: Experiment[]; total: number } {
    const filter: RowFilter = { where: [], args: [] };
    if (query.status !== undefined) {
      filter.where.push('status = ?');
      filter.args.push(query.status);
    }
    if (query.tag !== undefined) {
      filter.where.push('EXISTS (SELECT 1 FROM json_each(experiments.tags) WHERE value = ?)');
      filter.args.push(query.tag);
    }
    if (query.name !== undefined) {
      filter.where.push('instr(lower(name), lower(?)) > 0');
      filter.args.push(query.name);
    }
    const { rows, total } = pageRows<ExperimentRow>(this.db, 'experiments', filter, query);
    return { experiments: rows.map(toExperiment), total };
  }

  /** Renames an experiment. */
  rename(id: string, name: string): Experiment {
    this.require(id);
    this.db
      .prepare('UPDATE experiments SET name = ?, updated_at = ? WHERE id = ?')
      .run(name, this.now(), id);
    return this.require(id);
  }

  /** Adds `add`, then removes `remove`; tags stay unique and sorted. */
  tag(id: string, add: readonly string[], remove: readonly string[]): Experiment {
    const experiment = this.require(id);
    const drop = new Set(remove);
    const tags = normaliseTags([...experiment.tags, ...add]).filter((t) => !drop.has(t));
    this.db
      .prepare('UPDATE experiments SET tags = ?, updated_at = ? WHERE id = ?')
      .run(JSON.stringify(tags), this.now(), id);
    return this.require(id);
  }

  /** Ids of the jobs that ran in experiment `id`, oldest first. */
  jobIds(id: string): string[] {
    return this.db
      .prepare<[string], { job_id: string }>(
        'SELECT job_id FROM jobs WHERE experiment_id = ? ORDER BY created_at, rowid',
      )
      .all(id)
      .map((r) => r.job_id);
  }

  /** A job of experiment `id` that has not ended, if any. */
  runningJob(id: string): string | undefined {
    return this.db
      .prepare<[string], { job_id: string }>(
        `SELECT job_id FROM jobs WHERE experiment_id = ? AND state NOT IN ('completed','failed','cancelled') LIMIT 1`,
      )
      .get(id)?.job_id;
  }

  /** Ids of the experiments that derive directly from `id`. */
  children(id: string): string[] {
    return this.db
      .prepare<[string], { id: string }>(
        'SELECT id FROM experiments WHERE parent_id = ? ORDER BY created_at, rowid',
      )
      .all(id)
      .map((r) => r.id);
  }

  /**
   * Removes experiment `id` with its job records (and their events). Call it inside a
   * transaction, after its artifacts were deleted or unlinked; returns how many jobs went.
   */
  delete(id: string): number {
    const jobs = this.db.prepare('DELETE FROM jobs WHERE experiment_id = ?').run(id).changes;
    this.db.prepare('DELETE FROM experiments WHERE id = ?').run(id);
    return jobs;
  }

  /** The chain of parents of `id`, nearest first. */
  lineage(id: string): Experiment[] {
    const chain: Experiment[] = [];
    const seen = new Set<string>([id]);
    let current = this.get(id)?.parentId;
    while (current !== undefined && !seen.has(current)) {
      seen.add(current);
      const parent = this.get(current);
      if (!parent) break;
      chain.push(parent);
      current = parent.parentId;
    }
    return chain;
  }

  /** The tree `id` belongs to: its root, and every descendant of the root, oldest first. */
  tree(id: string): { rootId: string; nodes: Experiment[] } {
    this.require(id);
    const rootId = this.lineage(id).at(-1)?.id ?? id;
    const nodes = this.db
      .prepare<[string, number], ExperimentRow>(
        `WITH RECURSIVE tree(id) AS (
           SELECT ? UNION SELECT e.id FROM experiments e JOIN tree t ON e.parent_id = t.id
         )
         SELECT experiments.* FROM experiments JOIN tree USING (id)
         ORDER BY experiments.created_at, experiments.rowid LIMIT ?`,
      )
      .all(rootId, MAX_TREE)
      .map(toExperiment);
    return { rootId, nodes };
  }

  private linkJob(id: string, jobId: string): void {
    this.db.prepare('UPDATE jobs SET experiment_id = ? WHERE job_id = ?').run(id, jobId);
  }

  private lastMetrics(jobId: string): MetricLogs | undefined {
    const rows = this.db
      .prepare<[string, number], { body: string }>(
        `SELECT body FROM job_events WHERE job_id = ? AND type = 'progress' ORDER BY seq DESC LIMIT ?`,
      )
      .all(jobId, METRIC_EVENTS);
    for (const { body } of rows) {
      const progress = (JSON.parse(body) as { progress?: { event?: string; logs?: MetricLogs } })
        .progress;
      if (progress?.event === 'epoch_end' && progress.logs) return progress.logs;
    }
    return undefined;
  }
}

function normaliseTags(tags: readonly string[]): string[] {
  return [...new Set(tags)].sort();
}

function toExperiment(row: ExperimentRow): Experiment {
  const experiment: Experiment = {
    id: row.id,
    name: row.name,
    config: JSON.parse(row.config),
    status: row.status,
    tags: JSON.parse(row.tags),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.preset !== null) experiment.preset = row.preset;
  if (row.parent_id !== null) experiment.parentId = row.parent_id;
  if (row.relation !== null) experiment.relation = row.relation;
  if (row.checkpoint_source !== null) experiment.checkpointSource = row.checkpoint_source;
  if (row.source_model !== null) experiment.sourceModel = JSON.parse(row.source_model);
  if (row.job_id !== null) experiment.jobId = row.job_id;
  if (row.finished_at !== null) experiment.finishedAt = row.finished_at;
  if (row.final_metrics !== null) experiment.finalMetrics = JSON.parse(row.final_metrics);
  return experiment;
}
