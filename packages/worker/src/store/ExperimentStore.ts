import type { WorkerDatabase } from './openDatabase.js';

/** A training run as a person thinks of it: a name, a config, where it came from. */
export interface Experiment {
  id: string;
  name: string;
  preset?: string;
  config: Record<string, unknown>;
  /** The experiment this one was derived from (fine-tune, resume, retry). */
  parentId?: string;
  /** Checkpoint it started from. */
  checkpointSource?: string;
  status: string;
  tags: string[];
  jobId?: string;
  createdAt: number;
  updatedAt: number;
}

interface ExperimentRow {
  id: string;
  name: string;
  preset: string | null;
  config: string;
  parent_id: string | null;
  checkpoint_source: string | null;
  status: string;
  tags: string;
  job_id: string | null;
  created_at: number;
  updated_at: number;
}

/** Experiments and their lineage (`parentId`). */
export class ExperimentStore {
  constructor(private readonly db: WorkerDatabase) {}

  /** Records a new experiment. */
  create(experiment: Omit<Experiment, 'createdAt' | 'updatedAt'>): Experiment {
    const now = Date.now();
    this.db
      .prepare(
        `INSERT INTO experiments (id, name, preset, config, parent_id, checkpoint_source, status, tags, job_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        experiment.id,
        experiment.name,
        experiment.preset ?? null,
        JSON.stringify(experiment.config),
        experiment.parentId ?? null,
        experiment.checkpointSource ?? null,
        experiment.status,
        JSON.stringify(experiment.tags),
        experiment.jobId ?? null,
        now,
        now,
      );
    return { ...experiment, createdAt: now, updatedAt: now };
  }

  /** Sets an experiment's status (`running`, `completed`, `failed`, …). */
  setStatus(id: string, status: string): void {
    this.db
      .prepare('UPDATE experiments SET status = ?, updated_at = ? WHERE id = ?')
      .run(status, Date.now(), id);
  }

  /** One experiment by id. */
  get(id: string): Experiment | undefined {
    const row = this.db
      .prepare<[string], ExperimentRow>('SELECT * FROM experiments WHERE id = ?')
      .get(id);
    return row ? toExperiment(row) : undefined;
  }

  /** Every experiment, newest first. */
  list(): Experiment[] {
    return this.db
      .prepare<[], ExperimentRow>('SELECT * FROM experiments ORDER BY created_at DESC, rowid DESC')
      .all()
      .map(toExperiment);
  }

  /** The chain of parents of `id`, nearest first (lineage). */
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
  if (row.checkpoint_source !== null) experiment.checkpointSource = row.checkpoint_source;
  if (row.job_id !== null) experiment.jobId = row.job_id;
  return experiment;
}
