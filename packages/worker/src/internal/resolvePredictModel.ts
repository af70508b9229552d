import { existsSync } from 'node:fs';
import { type Artifact, type ModelSource, stageRefOf } from '@trainwire/core';
import { WorkerError } from '../errors.js';
import type { Sandbox } from '../sandbox/Sandbox.js';
import type { ArtifactStore } from '../store/ArtifactStore.js';
import type { SqliteJobStore } from '../store/SqliteJobStore.js';

/**
 * The models a pipeline stage's model was trained with (its `stage:NAME` inputs), as the
 * inputs a predict job with that model gets by the same roles: sleap-nn's top-down
 * centered-instance model predicts only with its centroid model beside it
 * (`centroid_model`). Empty for a model that is no pipeline stage's, or whose earlier
 * stages' models are gone.
 */
export function stageModelInputs(
  model: Pick<Artifact, 'id' | 'jobId'> | undefined,
  artifacts: Pick<ArtifactStore, 'get'>,
  jobs: Pick<SqliteJobStore, 'getJob'>,
): Record<string, string> {
  const jobId = model?.jobId;
  if (model === undefined || jobId === undefined) return {};
  // A stage's model is registered as `JOB:STAGE:model`.
  const [stageName, ...rest] = model.id.startsWith(`${jobId}:`)
    ? model.id.slice(jobId.length + 1).split(':')
    : [];
  if (rest.join(':') !== 'model') return {};
  const stage = jobs.getJob(jobId)?.spec.stages?.find((s) => s.name === stageName);
  const inputs: Record<string, string> = {};
  for (const [role, value] of Object.entries(stage?.inputs ?? {})) {
    const ref = stageRefOf(value);
    const path = ref === undefined ? undefined : artifacts.get(`${jobId}:${ref}:model`)?.path;
    if (path !== undefined && existsSync(path)) inputs[role] = path;
  }
  return inputs;
}

/**
 * The file of the model a predict job runs — a registered model's version (by default its
 * active one), a model or checkpoint artifact, or a path inside the caller's mounts — and
 * its artifact when it is one. Throws `unknown_model`, `unknown_artifact` or `not_found`
 * with what to pick instead.
 */
export async function resolvePredictModel(
  source: ModelSource,
  artifacts: ArtifactStore,
  sandbox: Sandbox,
): Promise<{ path: string; artifact?: Artifact }> {
  if ('path' in source) return { path: await sandbox.resolve(source.path) };
  if ('artifactId' in source) {
    const artifact = artifacts.get(source.artifactId);
    if (artifact === undefined || (artifact.kind !== 'model' && artifact.kind !== 'checkpoint')) {
      throw new WorkerError(
        'unknown_artifact',
        `this worker has no model or checkpoint artifact ${source.artifactId}; list them with artifact.list (\`trainwire artifacts\`)`,
        { details: { artifactId: source.artifactId } },
      );
    }
    return { path: requireFile(artifact.path, `artifact ${source.artifactId}`), artifact };
  }
  const { name, version } = source;
  const model =
    version === undefined ? artifacts.activeModel(name) : artifacts.requireModel(name, version);
  if (model === undefined) {
    const registered = artifacts.listModels(name).length > 0;
    throw new WorkerError(
      'unknown_model',
      registered
        ? `model ${name} has no active version on this worker; name one (predict.model.version) or activate one (\`trainwire models activate ${name} VERSION\`)`
        : `this worker has no model named ${name}; \`trainwire models list\` shows the registered ones`,
      { details: { name } },
    );
  }
  const artifact = model.artifact;
  if (artifact === undefined) {
    throw new WorkerError(
      'not_found',
      `the file of ${name} version ${model.version} is gone from this worker; predict with another version`,
      {
        details: { path: '' },
      },
    );
  }
  return { path: requireFile(artifact.path, `${name} version ${model.version}`), artifact };
}

function requireFile(path: string, what: string): string {
  if (existsSync(path)) return path;
  throw new WorkerError(
    'not_found',
    `the file of ${what} is gone from this worker (${path}); predict with another model`,
    {
      details: { path },
    },
  );
}
