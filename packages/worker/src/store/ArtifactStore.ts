import { randomUUID } from 'node:crypto';
import type { Artifact, ArtifactKind, ModelVersion as ModelVersionRecord } from '@trainwire/core';
import { WorkerError } from '../errors.js';
import type { WorkerDatabase } from './openDatabase.js';
import { pageRows, type RowFilter } from './pageRows.js';

interface ArtifactRow {
  id: string;
  kind: ArtifactKind;
  path: string;
  size: number;
  sha256: string | null;
  epoch: number | null;
  label: string | null;
  metrics: string | null;
  experiment_id: string | null;
  job_id: string | null;
  created_at: number;
}

/** Which artifacts {@link ArtifactStore.page} lists. */
export interface ArtifactQuery {
  experimentId?: string;
  kind?: ArtifactKind;
  offset: number;
  limit: number;
}

/** A version of a named model in the registry (with its artifact, when that is known). */
export type ModelVersion = ModelVersionRecord;

interface ModelRow {
  name: string;
  version: number;
  artifact_id: string;
  active: number;
  created_at: number;
}

/**
 * Artifacts (checkpoints, models, datasets, logs, predictions, videos) linked to jobs and
 * experiments, and the model registry: numbered versions per name, one active.
 */
export class ArtifactStore {
  constructor(private readonly db: WorkerDatabase) {}

  /** Registers an artifact (or updates the one with the same id); returns it as stored. */
  add(artifact: Omit<Artifact, 'id'> & { id?: string }, jobId?: string): Artifact {
    const id = artifact.id ?? randomUUID();
    // A job's artifacts belong to the experiment the job runs in.
    const experimentId =
      (jobId === undefined
        ? undefined
        : this.db
            .prepare<[string], { experiment_id: string | null }>(
              'SELECT experiment_id FROM jobs WHERE job_id = ?',
            )
            .get(jobId)?.experiment_id) ?? artifact.experimentId;
    this.db
      .prepare(
        `INSERT INTO artifacts (id, kind, path, size, sha256, epoch, label, metrics, experiment_id, job_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, path = excluded.path, size = excluded.size,
           sha256 = excluded.sha256, epoch = excluded.epoch, label = excluded.label,
           metrics = excluded.metrics, experiment_id = excluded.experiment_id`,
      )
      .run(
        id,
        artifact.kind,
        artifact.path,
        artifact.size,
        artifact.sha256 ?? null,
        artifact.epoch ?? null,
        artifact.label ?? null,
        artifact.metrics ? JSON.stringify(artifact.metrics) : null,
        experimentId ?? null,
        jobId ?? null,
        Date.now(),
      );
    // Records of one file tell the same facts (a dataset generated again under its name).
    if (artifact.sha256 !== undefined) {
      this.db
        .prepare('UPDATE artifacts SET size = ?, sha256 = ? WHERE path = ? AND id != ?')
        .run(artifact.size, artifact.sha256, artifact.path, id);
    }
    return this.get(id)!;
  }

  /** One page of the artifacts that match `query`, newest first, and how many match. */
  page(query: ArtifactQuery): { artifacts: Artifact[]; total: number } {
    const filter: RowFilter = { where: [], args: [] };
    if (query.experimentId !== undefined) {
      filter.where.push('experiment_id = ?');
      filter.args.push(query.experimentId);
    }
    if (query.kind !== undefined) {
      filter.where.push('kind = ?');
      filter.args.push(query.kind);
    }
    const { rows, total } = pageRows<ArtifactRow>(this.db, 'artifacts', filter, query);
    return { artifacts: rows.map(toArtifact), total };
  }

  /** One artifact by id, or `unknown_artifact`. */
  require(id: string): Artifact {
    const artifact = this.get(id);
    if (artifact) return artifact;
    throw new WorkerError(
      'unknown_artifact',
      `this worker has no artifact ${id}; list them with \`trainwire artifacts list\``,
      { details: { artifactId: id } },
    );
  }

  /** Every artifact whose file is `path` (a job's model shares its best checkpoint's file). */
  withPath(path: string): Artifact[] {
    return this.db
      .prepare<[string], ArtifactRow>('SELECT * FROM artifacts WHERE path = ? ORDER BY rowid')
      .all(path)
      .map(toArtifact);
  }

  /** The registered model versions whose file is `path`, by name and version. */
  modelsWithPath(path: string): ModelVersion[] {
    return this.db
      .prepare<[string], ModelRow>(
        `SELECT m.* FROM models m JOIN artifacts a ON a.id = m.artifact_id
         WHERE a.path = ? ORDER BY m.name, m.version`,
      )
      .all(path)
      .map((row) => this.toModel(row));
  }

  /** Points every record of the file `from` at `to` (it was renamed); returns how many. */
  movePath(from: string, to: string): number {
    return this.db.prepare('UPDATE artifacts SET path = ? WHERE path = ?').run(to, from).changes;
  }

  /** Forgets one artifact (its file stays). */
  forget(id: string): void {
    this.db.prepare('DELETE FROM artifacts WHERE id = ?').run(id);
  }

  /** One artifact by id. */
  get(id: string): Artifact | undefined {
    const row = this.db
      .prepare<[string], ArtifactRow>('SELECT * FROM artifacts WHERE id = ?')
      .get(id);
    return row ? toArtifact(row) : undefined;
  }

  /** Artifacts of a job, oldest first, optionally of one kind. */
  listForJob(jobId: string, kind?: ArtifactKind): Artifact[] {
    const rows = this.db
      .prepare<[string], ArtifactRow>(
        'SELECT * FROM artifacts WHERE job_id = ? ORDER BY created_at, rowid',
      )
      .all(jobId);
    return rows.map(toArtifact).filter((a) => kind === undefined || a.kind === kind);
  }

  /** Artifacts of an experiment, oldest first. */
  listForExperiment(experimentId: string): Artifact[] {
    return this.db
      .prepare<[string], ArtifactRow>(
        'SELECT * FROM artifacts WHERE experiment_id = ? ORDER BY created_at, rowid',
      )
      .all(experimentId)
      .map(toArtifact);
  }

  /** Adds the next version of model `name` for `artifactId` (`activate`: the active one). */
  registerModel(name: string, artifactId: string, activate = true): ModelVersion {
    return this.db.transaction(() => {
      const row = this.db
        .prepare<[string], { v: number | null }>(
          'SELECT MAX(version) AS v FROM models WHERE name = ?',
        )
        .get(name);
      const version = (row?.v ?? 0) + 1;
      if (activate) this.db.prepare('UPDATE models SET active = 0 WHERE name = ?').run(name);
      this.db
        .prepare(
          'INSERT INTO models (name, version, artifact_id, active, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(name, version, artifactId, activate ? 1 : 0, Date.now());
      return this.requireModel(name, version);
    })();
  }

  /** Makes `version` the active version of `name`; answers it and the version active before. */
  activateModel(name: string, version: number): { model: ModelVersion; previous?: number } {
    return this.db.transaction(() => {
      this.requireModel(name, version);
      const previous = this.activeModel(name)?.version;
      this.db.prepare('UPDATE models SET active = 0 WHERE name = ?').run(name);
      this.db
        .prepare('UPDATE models SET active = 1 WHERE name = ? AND version = ?')
        .run(name, version);
      const model = this.requireModel(name, version);
      return previous === undefined || previous === version ? { model } : { model, previous };
    })();
  }

  /** Removes `version` of `name` from the registry (its file stays); refuses the active one. */
  deleteModel(name: string, version: number): void {
    const model = this.requireModel(name, version);
    if (model.active) {
      throw new WorkerError(
        'model_active',
        `${name} version ${version} is the active model; activate another version first (\`trainwire models activate ${name} VERSION\`)`,
        { details: { name, version } },
      );
    }
    this.db.prepare('DELETE FROM models WHERE name = ? AND version = ?').run(name, version);
  }

  /** The active version of `name`, if one is. */
  activeModel(name: string): ModelVersion | undefined {
    const row = this.db
      .prepare<[string], ModelRow>('SELECT * FROM models WHERE name = ? AND active = 1')
      .get(name);
    return row ? this.toModel(row) : undefined;
  }

  /** Version `version` of `name`, or `unknown_model`. */
  requireModel(name: string, version: number): ModelVersion {
    const row = this.db
      .prepare<[string, number], ModelRow>('SELECT * FROM models WHERE name = ? AND version = ?')
      .get(name, version);
    if (row) return this.toModel(row);
    throw new WorkerError(
      'unknown_model',
      `this worker has no version ${version} of model ${name}; list them with \`trainwire models list\``,
      { details: { name, version } },
    );
  }

  /** Every version of `name` (or of every model), by name, newest version first. */
  listModels(name?: string): ModelVersion[] {
    const rows =
      name === undefined
        ? this.db.prepare<[], ModelRow>('SELECT * FROM models ORDER BY name, version DESC').all()
        : this.db
            .prepare<[string], ModelRow>(
              'SELECT * FROM models WHERE name = ? ORDER BY version DESC',
            )
            .all(name);
    return rows.map((row) => this.toModel(row));
  }

  /** `name@version` of every registered model made from an artifact of experiment `id`. */
  modelsOfExperiment(id: string): string[] {
    return this.db
      .prepare<[string], { name: string; version: number }>(
        `SELECT m.name, m.version FROM models m JOIN artifacts a ON a.id = m.artifact_id
         WHERE a.experiment_id = ? ORDER BY m.name, m.version`,
      )
      .all(id)
      .map((m) => `${m.name}@${m.version}`);
  }

  /** Forgets the artifacts of experiment `id` (their files stay); returns them. */
  deleteForExperiment(id: string): Artifact[] {
    const artifacts = this.listForExperiment(id);
    this.db.prepare('DELETE FROM artifacts WHERE experiment_id = ?').run(id);
    return artifacts;
  }

  /** Keeps the artifacts of experiment `id` but links them to no experiment. */
  unlinkExperiment(id: string): void {
    this.db.prepare('UPDATE artifacts SET experiment_id = NULL WHERE experiment_id = ?').run(id);
  }

  private toModel(row: ModelRow): ModelVersion {
    const model: ModelVersion = {
      name: row.name,
      version: row.version,
      artifactId: row.artifact_id,
      active: row.active === 1,
      createdAt: row.created_at,
    };
    const artifact = this.get(row.artifact_id);
    if (artifact) {
      model.artifact = artifact;
      if (artifact.experimentId !== undefined) model.experimentId = artifact.experimentId;
    }
    return model;
  }
}

function toArtifact(row: ArtifactRow): Artifact {
  const artifact: Artifact = { id: row.id, kind: row.kind, path: row.path, size: row.size };
  if (row.sha256 !== null) artifact.sha256 = row.sha256;
  if (row.epoch !== null) artifact.epoch = row.epoch;
  if (row.label !== null) artifact.label = row.label;
  if (row.metrics !== null) artifact.metrics = JSON.parse(row.metrics);
  if (row.experiment_id !== null) artifact.experimentId = row.experiment_id;
  if (row.job_id !== null) artifact.jobId = row.job_id;
  artifact.createdAt = row.created_at;
  return artifact;
}
