import { rmSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { Artifact, MethodHandlers } from '@trainwire/core';
import { WorkerError } from '../errors.js';
import type { Experiment } from '../store/ExperimentStore.js';
import type { WorkerParts } from '../Worker.js';
import { fitPage } from './fitPage.js';
import { modelNoticesOf } from './ModelNotices.js';

type ExperimentMethods = Pick<
  Required<MethodHandlers>,
  | 'experiment.list'
  | 'experiment.get'
  | 'experiment.create'
  | 'experiment.rename'
  | 'experiment.tag'
  | 'experiment.delete'
  | 'experiment.continue'
  | 'experiment.retry'
  | 'experiment.lineage'
  | 'model.register'
  | 'model.list'
  | 'model.activate'
  | 'model.delete'
  | 'model.subscribe'
>;

/**
 * The `experiment.*` and `model.*` methods of one worker: experiments and their lineage,
 * and the model registry, over its SQLite store. Changes run in one transaction each.
 */
export function experimentHandlers(parts: WorkerParts): ExperimentMethods {
  const { experiments, artifacts, db } = parts;
  const notices = modelNoticesOf(parts);
  return {
    'experiment.list': ({ status, tag, name, offset, limit }, { maxResultBytes }) => {
      const query = {
        offset,
        limit,
        ...(status === undefined ? {} : { status }),
        ...(tag === undefined ? {} : { tag }),
        ...(name === undefined ? {} : { name }),
      };
      const { experiments: rows, total } = experiments.page(query);
      return fitPage('experiments', rows, total, offset, maxResultBytes);
    },
    'experiment.get': ({ experimentId }) => ({
      experiment: experiments.require(experimentId),
      artifacts: artifacts.listForExperiment(experimentId),
      jobIds: experiments.jobIds(experimentId),
    }),
    'experiment.create': ({ experimentId, name, preset, config, tags }) =>
      createOnce(experimentId, {
        name,
        config,
        tags,
        ...(preset === undefined ? {} : { preset }),
      }),
    'experiment.rename': ({ experimentId, name }) => ({
      experiment: experiments.rename(experimentId, name),
    }),
    'experiment.tag': ({ experimentId, add, remove }) => ({
      experiment: experiments.tag(experimentId, add, remove),
    }),
    'experiment.delete': ({ experimentId, withArtifacts }) =>
      deleteExperiment(parts, experimentId, withArtifacts),
    'experiment.continue': ({ experimentId, parentId, checkpointId, name, config }) => {
      const parent = experiments.require(parentId);
      const checkpoint = pickCheckpoint(
        artifacts.listForExperiment(parentId),
        parent,
        checkpointId,
      );
      return createOnce(experimentId, {
        name: name ?? `${parent.name} (continued)`,
        config: { ...parent.config, ...config },
        tags: parent.tags,
        parentId,
        relation: 'continue',
        checkpointSource: checkpoint.path,
        ...(parent.preset === undefined ? {} : { preset: parent.preset }),
      });
    },
    'experiment.retry': ({ experimentId, of, name }) => {
      const source = experiments.require(of);
      if (
        source.status !== 'failed' &&
        source.status !== 'cancelled' &&
        !isRetryOf(experimentId, of)
      ) {
        throw new WorkerError(
          'experiment_state',
          `experiment ${source.name} (${of}) is ${source.status}, not failed or cancelled; only those are retried (continue it instead)`,
          { details: { experimentId: of, status: source.status } },
        );
      }
      return createOnce(experimentId, {
        name: name ?? `${source.name} (retry)`,
        config: source.config,
        tags: source.tags,
        parentId: of,
        relation: 'retry',
        ...(source.checkpointSource === undefined
          ? {}
          : { checkpointSource: source.checkpointSource }),
        ...(source.preset === undefined ? {} : { preset: source.preset }),
      });
    },
    'experiment.lineage': ({ experimentId }) => {
      const { rootId, nodes } = experiments.tree(experimentId);
      return { rootId, nodes: nodes.map(toLineageNode) };
    },
    'model.register': ({ name, experimentId, artifactId, activate }) => {
      const experiment = experiments.require(experimentId);
      if (experiment.status !== 'completed') {
        throw new WorkerError(
          'experiment_state',
          `experiment ${experiment.name} (${experimentId}) is ${experiment.status}; register a model from one that completed`,
          { details: { experimentId, status: experiment.status } },
        );
      }
      const artifact = pickModelArtifact(
        artifacts.listForExperiment(experimentId),
        experiment,
        artifactId,
      );
      // Idempotent: an artifact already registered under `name` answers its version.
      const registered =
        artifacts.listModels(name).find((m) => m.artifactId === artifact.id) ??
        artifacts.registerModel(name, artifact.id, false);
      if (!activate || registered.active) return { model: registered };
      const { model, previous } = artifacts.activateModel(name, registered.version);
      notices.activated(model, previous);
      return { model };
    },
    'model.list': ({ name }) => ({ models: artifacts.listModels(name) }),
    'model.activate': ({ name, version }) => {
      // Activating the active version again changes nothing and pushes nothing.
      const already = artifacts.requireModel(name, version).active;
      const { model, previous } = artifacts.activateModel(name, version);
      if (!already) notices.activated(model, previous);
      return { model };
    },
    'model.delete': ({ name, version }) => {
      const [running] = experiments.runningFineTunes(name, version);
      if (running !== undefined && artifacts.requireModel(name, version)) {
        throw new WorkerError(
          'model_in_use',
          `${name} version ${version} is what job ${running} fine-tunes from; wait for it to end (or stop it: \`trainwire stop ${running}\`), then delete the version`,
          { details: { name, version, jobId: running } },
        );
      }
      artifacts.deleteModel(name, version);
      return { name, version };
    },
    'model.subscribe': (_params, { peer }) => {
      notices.add(peer);
      const names = [...new Set(artifacts.listModels().map((m) => m.name))];
      return {
        active: names.flatMap((n) => {
          const model = artifacts.activeModel(n);
          return model ? [model] : [];
        }),
      };
    },
  };

  /** Creates an experiment once: the same id with the same fields answers it again. */
  function createOnce(
    id: string,
    fields: Omit<Parameters<typeof experiments.create>[0], 'id' | 'status'>,
  ): { experiment: Experiment } {
    const existing = experiments.get(id);
    if (existing) {
      if (!sameFields(existing, fields)) {
        throw new WorkerError(
          'experiment_conflict',
          `experiment ${id} exists with other fields; pick a new experiment id`,
          { details: { experimentId: id } },
        );
      }
      return { experiment: existing };
    }
    return {
      experiment: db.transaction(() => experiments.create({ id, status: 'created', ...fields }))(),
    };
  }

  function isRetryOf(id: string, of: string): boolean {
    const existing = experiments.get(id);
    return existing?.parentId === of && existing.relation === 'retry';
  }
}

function sameFields(
  existing: Experiment,
  fields: {
    name: string;
    config: Record<string, unknown>;
    tags: string[];
    preset?: string;
    parentId?: string;
  },
): boolean {
  return (
    existing.name === fields.name &&
    JSON.stringify(existing.config) === JSON.stringify(fields.config) &&
    JSON.stringify(existing.tags) === JSON.stringify([...new Set(fields.tags)].sort()) &&
    existing.preset === fields.preset &&
    existing.parentId === fields.parentId
  );
}

function toLineageNode(e: Experiment) {
  return {
    id: e.id,
    name: e.name,
    status: e.status,
    createdAt: e.createdAt,
    ...(e.parentId === undefined ? {} : { parentId: e.parentId }),
    ...(e.relation === undefined ? {} : { relation: e.relation }),
    ...(e.checkpointSource === undefined ? {} : { checkpointSource: e.checkpointSource }),
    ...(e.sourceModel === undefined ? {} : { sourceModel: e.sourceModel }),
  };
}

/** The checkpoint a continue starts from: the one named, else the parent's last one. */
function pickCheckpoint(list: Artifact[], parent: Experiment, checkpointId?: string): Artifact {
  if (checkpointId !== undefined) {
    const named = list.find((a) => a.id === checkpointId && a.kind === 'checkpoint');
    if (!named) {
      throw new WorkerError(
        'unknown_artifact',
        `experiment ${parent.name} (${parent.id}) has no checkpoint ${checkpointId}; \`trainwire experiments show ${parent.id}\` lists its artifacts`,
        { details: { artifactId: checkpointId } },
      );
    }
    return named;
  }
  const checkpoints = list.filter((a) => a.kind === 'checkpoint');
  const last = checkpoints.find((a) => a.label === 'last') ?? checkpoints.at(-1);
  if (!last) {
    throw new WorkerError(
      'experiment_state',
      `experiment ${parent.name} (${parent.id}) saved no checkpoint to continue from; retry it instead`,
      { details: { experimentId: parent.id, status: parent.status } },
    );
  }
  return last;
}

/** The artifact a model is registered from: the one named, else the last model, else the last checkpoint. */
function pickModelArtifact(
  list: Artifact[],
  experiment: Experiment,
  artifactId?: string,
): Artifact {
  if (artifactId !== undefined) {
    const named = list.find((a) => a.id === artifactId);
    if (!named || (named.kind !== 'model' && named.kind !== 'checkpoint')) {
      throw new WorkerError(
        'unknown_artifact',
        `experiment ${experiment.name} (${experiment.id}) has no model or checkpoint ${artifactId}; \`trainwire experiments show ${experiment.id}\` lists its artifacts`,
        { details: { artifactId } },
      );
    }
    return named;
  }
  const chosen =
    list.filter((a) => a.kind === 'model').at(-1) ??
    list.filter((a) => a.kind === 'checkpoint').at(-1);
  if (!chosen) {
    throw new WorkerError(
      'experiment_state',
      `experiment ${experiment.name} (${experiment.id}) has no model or checkpoint to register`,
      { details: { experimentId: experiment.id, status: experiment.status } },
    );
  }
  return chosen;
}

/**
 * Deletes an experiment and its job records, in one transaction; its artifacts are
 * forgotten and (inside the data dir) removed with `withArtifacts`, else kept unlinked.
 */
function deleteExperiment(parts: WorkerParts, experimentId: string, withArtifacts: boolean) {
  const { experiments, artifacts, db, config } = parts;
  const experiment = experiments.require(experimentId);
  const running = experiments.runningJob(experimentId);
  if (running !== undefined) {
    throw new WorkerError(
      'experiment_running',
      `experiment ${experiment.name} (${experimentId}) still runs job ${running}; stop it (\`trainwire stop ${running}\`) and delete it once it ended`,
      { details: { experimentId, jobId: running } },
    );
  }
  const children = experiments.children(experimentId);
  const models = withArtifacts ? artifacts.modelsOfExperiment(experimentId) : [];
  if (children.length > 0 || models.length > 0) {
    const why = [
      children.length > 0
        ? `experiments derive from it (${children.join(', ')}); delete those first`
        : '',
      models.length > 0
        ? `registered models are its artifacts (${models.join(', ')}); delete those versions first, or keep its artifacts`
        : '',
    ].filter((w) => w !== '');
    throw new WorkerError(
      'experiment_in_use',
      `experiment ${experiment.name} (${experimentId}) cannot be deleted: ${why.join('; ')}`,
      {
        details: {
          experimentId,
          ...(children.length > 0 ? { children } : {}),
          ...(models.length > 0 ? { models } : {}),
        },
      },
    );
  }
  const jobIds = experiments.jobIds(experimentId);
  const removed = db.transaction(() => {
    const gone = withArtifacts ? artifacts.deleteForExperiment(experimentId) : [];
    if (!withArtifacts) artifacts.unlinkExperiment(experimentId);
    const jobsDeleted = experiments.delete(experimentId);
    return { gone, jobsDeleted };
  })();
  if (withArtifacts) {
    // Only what the worker made itself: files in its data dir, and the jobs' run folders.
    for (const artifact of removed.gone)
      if (inside(config.dataDir, artifact.path)) rmSync(artifact.path, { force: true });
    for (const jobId of jobIds)
      rmSync(join(config.dataDir, 'runs', jobId), { recursive: true, force: true });
  }
  return { experimentId, jobsDeleted: removed.jobsDeleted, artifactsDeleted: removed.gone.length };
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
