import { type MethodHandlers, toJobSummary } from '@trainwire/core';
import type { Worker, WorkerParts } from '../Worker.js';
import { serveDownload } from './serveDownload.js';

/** The protocol's methods, served by one worker. */
export function createHandlers(worker: Worker, parts: WorkerParts): MethodHandlers {
  return {
    'worker.info': () => worker.info(),
    'job.start': async ({ jobId, spec }, { peer }) => {
      const started = await worker.startJob(jobId, spec, peer);
      return { jobId, ...started };
    },
    'job.attach': ({ jobId }, { peer }) => {
      const record = worker.requireJob(jobId);
      worker.hub.attach(jobId, peer);
      return { jobId, spec: record.spec, state: record.state, lastSeq: record.lastSeq };
    },
    'job.events': ({ jobId, afterSeq, untilSeq }, { maxResultBytes }) => {
      worker.requireJob(jobId);
      return worker.hub.page(jobId, afterSeq, untilSeq, maxResultBytes);
    },
    'job.stop': ({ jobId }) => ({ state: worker.stopJob(jobId) }),
    'job.cancel': ({ jobId }) => ({ state: worker.cancelJob(jobId) }),
    'job.list': () => ({ jobs: parts.jobs.listJobs().map(toJobSummary) }),
    'paths.check': async ({ paths, sha256, findCandidates }) => ({
      results: await Promise.all(
        paths.map((path) => parts.sandbox.check(path, { sha256, findCandidates })),
      ),
    }),
    'mounts.list': () => ({
      mounts: parts.sandbox
        .listMounts()
        .map(({ name, path, readOnly }) => ({ name, path, readOnly })),
    }),
    'paths.list': ({ path, offset, limit }) => parts.sandbox.list(path, { offset, limit }),
    'paths.find': async ({ name, maxDepth, maxResults }) => ({
      results: await parts.sandbox.find(name, {
        ...(maxDepth === undefined ? {} : { maxDepth }),
        ...(maxResults === undefined ? {} : { maxResults }),
      }),
    }),
    'file.download': (request, { peer }) => serveDownload(parts.sandbox, peer, request),
    'upload.begin': (request) => parts.uploads.begin(request),
    'upload.finish': ({ transferId }) => parts.uploads.finish(transferId),
  };
}
