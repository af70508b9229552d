import { existsSync, linkSync, realpathSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import type { Artifact, ArtifactUse, MethodHandlers } from '@trainwire/core';
import { WorkerError } from '../errors.js';
import type { WorkerParts } from '../Worker.js';
import { fitPage } from './fitPage.js';

type ArtifactMethods = Pick<
  Required<MethodHandlers>,
  'artifact.list' | 'artifact.get' | 'artifact.rename' | 'artifact.delete'
>;

const FINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * The `artifact.*` methods of one worker: list (newest first, paged), get, rename (the file
 * itself, inside the data dir, without ever replacing another) and delete — refused while
 * a model version, a running fine-tune or resume, or the running job that writes it needs
 * the artifact.
 */
export function artifactHandlers(parts: WorkerParts): ArtifactMethods {
  const { artifacts } = parts;
  return {
    'artifact.list': ({ experimentId, kind, offset, limit }, { maxResultBytes }) => {
      const { artifacts: rows, total } = artifacts.page({
        offset,
        limit,
        ...(experimentId === undefined ? {} : { experimentId }),
        ...(kind === undefined ? {} : { kind }),
      });
      return fitPage('artifacts', rows, total, offset, maxResultBytes);
    },
    'artifact.get': ({ artifactId }) => {
      const artifact = artifacts.require(artifactId);
      return {
        artifact,
        models: artifacts
          .modelsWithPath(artifact.path)
          .map(({ name, version, active }) => ({ name, version, active })),
      };
    },
    'artifact.rename': ({ artifactId, name }) => renameArtifact(parts, artifactId, name),
    'artifact.delete': ({ artifactId }) => deleteArtifact(parts, artifactId),
  };
}

/** Everything that still needs the artifact's file, most binding first. */
export function usesOf(parts: WorkerParts, artifact: Artifact): ArtifactUse[] {
  const { artifacts, experiments, jobs } = parts;
  const uses: ArtifactUse[] = [];
  const fineTuning = new Set<string>();
  for (const model of artifacts.modelsWithPath(artifact.path)) {
    const { name, version } = model;
    uses.push({ use: model.active ? 'active_model' : 'model_version', name, version });
    for (const jobId of experiments.runningFineTunes(name, version)) {
      fineTuning.add(jobId);
      uses.push({ use: 'fine_tune', name, version, jobId });
    }
  }
  for (const jobId of experiments.runningJobsStartingFrom(artifact.path))
    if (!fineTuning.has(jobId)) uses.push({ use: 'resume', jobId });
  const writer = artifact.jobId === undefined ? undefined : jobs.getJob(artifact.jobId);
  if (writer !== undefined && !FINAL.has(writer.state))
    uses.push({ use: 'running_job', jobId: writer.jobId });
  return uses;
}

function renameArtifact(parts: WorkerParts, artifactId: string, name: string) {
  const { artifacts, experiments, db } = parts;
  const artifact = artifacts.require(artifactId);
  const from = artifact.path;
  const to = join(dirname(from), name);
  // A retry after a lost answer: it already has that name.
  if (from === to) return { artifact };
  requireInDataDir(parts, artifact);
  const running = usesOf(parts, artifact).filter(
    (u) => u.use === 'fine_tune' || u.use === 'resume' || u.use === 'running_job',
  );
  if (running.length > 0) throw inUse(artifact, running, 'renamed');
  if (existsSync(to)) throw nameTaken(artifact, name, to);
  try {
    // A hard link never replaces a file: the check above cannot race with another writer.
    linkSync(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw nameTaken(artifact, name, to);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw error;
    // A file system without hard links: rename, the target checked just before.
    renameSync(from, to);
  }
  try {
    db.transaction(() => {
      artifacts.movePath(from, to);
      experiments.moveCheckpointSource(from, to);
    })();
  } catch (error) {
    // The records still name the old file: give it its name back.
    if (existsSync(from)) unlinkSync(to);
    else renameSync(to, from);
    throw error;
  }
  if (existsSync(from)) unlinkSync(from);
  return { artifact: artifacts.require(artifactId) };
}

function deleteArtifact(parts: WorkerParts, artifactId: string) {
  const { artifacts, db } = parts;
  const artifact = artifacts.require(artifactId);
  const uses = usesOf(parts, artifact);
  if (uses.length > 0) throw inUse(artifact, uses, 'deleted');
  const others = db.transaction(() => {
    artifacts.forget(artifactId);
    return artifacts.withPath(artifact.path).length;
  })();
  // Only a file the worker made itself, and only once no record names it any more.
  const fileDeleted =
    others === 0 && isInDataDir(parts, artifact.path) && existsSync(artifact.path);
  if (fileDeleted) rmSync(artifact.path, { force: true });
  return { artifactId, fileDeleted };
}

function isInDataDir(parts: WorkerParts, path: string): boolean {
  try {
    const root = realpathSync(parts.config.dataDir);
    const real = join(realpathSync(dirname(path)), basename(path));
    const rel = relative(root, real);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  } catch {
    return false;
  }
}

function requireInDataDir(parts: WorkerParts, artifact: Artifact): void {
  if (isInDataDir(parts, artifact.path) && existsSync(artifact.path)) return;
  throw new WorkerError(
    existsSync(artifact.path) ? 'path_denied' : 'not_found',
    existsSync(artifact.path)
      ? `artifact ${artifact.id} is the file ${artifact.path}, outside this worker's data directory; the worker renames only files it made`
      : `the file of artifact ${artifact.id} (${artifact.path}) is gone from the worker; delete the artifact instead`,
    {
      details: existsSync(artifact.path)
        ? {
            path: artifact.path,
            reason:
              "it is outside the worker's data directory; the worker renames only files it made",
          }
        : { path: artifact.path },
    },
  );
}

function nameTaken(artifact: Artifact, name: string, path: string): WorkerError {
  return new WorkerError(
    'name_taken',
    `a file named ${name} is already next to artifact ${artifact.id} (${path}); pick another name`,
    { details: { artifactId: artifact.id, name, path } },
  );
}

function inUse(artifact: Artifact, uses: ArtifactUse[], what: string): WorkerError {
  return new WorkerError(
    'artifact_in_use',
    `artifact ${artifact.id} cannot be ${what}: ${uses.map(describeUse).join('; ')}`,
    { details: { artifactId: artifact.id, uses } },
  );
}

function describeUse(use: ArtifactUse): string {
  switch (use.use) {
    case 'active_model':
      return `it is ${use.name} version ${use.version}, the active model (activate another version first)`;
    case 'model_version':
      return `it is ${use.name} version ${use.version} in the model registry (delete that version first: \`trainwire models delete ${use.name} ${use.version}\`)`;
    case 'fine_tune':
      return `job ${use.jobId} fine-tunes from ${use.name} version ${use.version} (wait for it to end, or stop it)`;
    case 'resume':
      return `job ${use.jobId} starts from it (wait for it to end, or stop it)`;
    case 'running_job':
      return `job ${use.jobId}, which writes it, still runs`;
  }
}
