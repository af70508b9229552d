import { randomUUID } from 'node:crypto';
import type { Artifact, ArtifactKind } from '@trainwire/core';
import type { WorkerDatabase } from './openDatabase.js';

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
}

/** A version of a named model in the registry. */
export interface ModelVersion {
  name: string;
  version: number;
  artifactId: string;
  active: boolean;
  createdAt: number;
}

/**
 * Artifacts (checkpoints, models, datasets, logs, predictions, videos) linked to jobs and
 * experiments, and the model registry: numbered versions per name, one active.
 */
export class ArtifactStore {
  constructor(private readonly db: WorkerDatabase) {}

  /** Registers an artifact (or updates the one with the same id); returns it with its id. */
  add(artifact: Omit<Artifact, 'id'> & { id?: string }, jobId?: string): Artifact {
    const id = artifact.id ?? randomUUID();
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
        artifact.experimentId ?? null,
        jobId ?? null,
        Date.now(),
      );
    return { ...artifact, id };
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

  /** Adds the next version of model `name`; `activate` makes it the active one. */
  registerModel(name: string, artifactId: string, activate = true): ModelVersion {
    return this.db.transaction(() => {
      const row = this.db
        .prepare<[string], { v: number | null }>(
          'SELECT MAX(version) AS v FROM models WHERE name = ?',
        )
        .get(name);
      const version = (row?.v ?? 0) + 1;
      const createdAt = Date.now();
      if (activate) this.db.prepare('UPDATE models SET active = 0 WHERE name = ?').run(name);
      this.db
        .prepare(
          'INSERT INTO models (name, version, artifact_id, active, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(name, version, artifactId, activate ? 1 : 0, createdAt);
      return { name, version, artifactId, active: activate, createdAt };
    })();
  }

  /** Makes `version` the active version of `name`. */
  activateModel(name: string, version: number): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE models SET active = 0 WHERE name = ?').run(name);
      this.db
        .prepare('UPDATE models SET active = 1 WHERE name = ? AND version = ?')
        .run(name, version);
    })();
  }

  /** Every version of `name` (or of every model), newest first. */
  listModels(name?: string): ModelVersion[] {
    const rows = this.db
      .prepare<
        [],
        { name: string; version: number; artifact_id: string; active: number; created_at: number }
      >('SELECT * FROM models ORDER BY name, version DESC')
      .all();
    return rows
      .filter((r) => name === undefined || r.name === name)
      .map((r) => ({
        name: r.name,
        version: r.version,
        artifactId: r.artifact_id,
        active: r.active === 1,
        createdAt: r.created_at,
      }));
  }
}

function toArtifact(row: ArtifactRow): Artifact {
  const artifact: Artifact = { id: row.id, kind: row.kind, path: row.path, size: row.size };
  if (row.sha256 !== null) artifact.sha256 = row.sha256;
  if (row.epoch !== null) artifact.epoch = row.epoch;
  if (row.label !== null) artifact.label = row.label;
  if (row.metrics !== null) artifact.metrics = JSON.parse(row.metrics);
  if (row.experiment_id !== null) artifact.experimentId = row.experiment_id;
  return artifact;
}
