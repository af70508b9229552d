import { JobSpecSchema, type JobSummary, type MethodHandlers, toJobSummary } from '@trainwire/core';
import { artifactHandlers } from '../experiments/artifactHandlers.js';
import { experimentHandlers } from '../experiments/experimentHandlers.js';
import { presetHandlers } from '../experiments/presetHandlers.js';
import type { JobOwner, PeerIdentity } from '../PeerIdentity.js';
import type { StoredJobRecord } from '../store/SqliteJobStore.js';
import type { Worker, WorkerParts } from '../Worker.js';
import { serveDownload } from './serveDownload.js';

/**
 * The protocol's methods, served by one worker to one connection, whose far end is
 * `identity` (none: the local mode, full rights). Reads of jobs are open to the room;
 * stop and cancel, uploads and the files of the uploads folder are the caller's own.
 */
export function createHandlers(
  worker: Worker,
  parts: WorkerParts,
  identity?: PeerIdentity,
): MethodHandlers {
  const sandbox = worker.sandboxFor(identity);
  return {
    'worker.info': () => worker.info(),
    'worker.readiness': ({ refresh }) => worker.readiness.get(refresh),
    'job.start': async ({ jobId, spec }, { peer }) => {
      const started = await worker.startJob(jobId, spec, peer, identity);
      return { jobId, ...started };
    },
    'dataset.generate': async ({ jobId, experimentId, diversity, ...dataset }, { peer }) => {
      const spec = JobSpecSchema.parse({
        profile: 'generate-dataset',
        config: { ...dataset, noise: diversity },
        name: `dataset ${dataset.name}`,
        ...(experimentId === undefined ? {} : { experimentId }),
      });
      const started = await worker.startJob(jobId, spec, peer, identity);
      return { jobId, ...started };
    },
    'job.attach': ({ jobId, afterSeq }, { peer }) => {
      const record = worker.requireJob(jobId);
      worker.attachPeer(jobId, peer, afterSeq);
      return {
        jobId,
        spec: record.spec,
        state: record.state,
        lastSeq: record.lastSeq,
        ...ownerField(record),
      };
    },
    'job.events': ({ jobId, afterSeq, untilSeq }, { maxResultBytes }) => {
      worker.requireJob(jobId);
      return worker.hub.page(jobId, afterSeq, untilSeq, maxResultBytes);
    },
    'job.stop': ({ jobId }) => ({ state: worker.stopJob(jobId, identity) }),
    'job.cancel': ({ jobId }) => ({ state: worker.cancelJob(jobId, identity) }),
    'job.list': () => ({ jobs: parts.jobs.listJobs().map(toSummary) }),
    'paths.check': async ({ paths, sha256, findCandidates }) => ({
      results: await Promise.all(
        paths.map((path) => sandbox.check(path, { sha256, findCandidates })),
      ),
    }),
    'mounts.list': () => ({
      mounts: sandbox.listMounts().map(({ name, path, readOnly }) => ({ name, path, readOnly })),
    }),
    'paths.list': ({ path, offset, limit }) => sandbox.list(path, { offset, limit }),
    'paths.find': async ({ name, maxDepth, maxResults }) => ({
      results: await sandbox.find(name, {
        ...(maxDepth === undefined ? {} : { maxDepth }),
        ...(maxResults === undefined ? {} : { maxResults }),
      }),
    }),
    'file.download': (request, { peer }) => serveDownload(sandbox, peer, request),
    'upload.begin': (request) => parts.uploads.begin(request, identity),
    'upload.finish': ({ transferId }) => parts.uploads.finish(transferId, identity),
    ...experimentHandlers(parts),
    ...artifactHandlers(parts),
    ...presetHandlers(parts, sandbox),
  };
}

/**
 * A job summary with who started it. Core's schemas strip fields they do not know, so a
 * client sees `owner` once core's `JobSummarySchema` (and `job.attach`'s result) has it.
 */
function toSummary(record: StoredJobRecord): JobSummary & { owner?: JobOwner } {
  return { ...toJobSummary(record), ...ownerField(record) };
}

function ownerField(record: StoredJobRecord): { owner?: JobOwner } {
  return record.owner ? { owner: { ...record.owner } } : {};
}
