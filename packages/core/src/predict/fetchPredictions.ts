import type { DownloadTarget } from '../artifacts/DownloadTarget.js';
import {
  type FetchArtifactOptions,
  type FetchedArtifact,
  fetchArtifact,
} from '../artifacts/fetchArtifact.js';
import { TrainwireError } from '../errors.js';
import type { JobSnapshot } from '../JobSnapshot.js';
import type { RpcPeer } from '../protocol/RpcPeer.js';
import type { Artifact } from '../schemas/Artifact.js';

/** The part of a session {@link fetchPredictions} waits on. */
export interface PredictSession {
  readonly done: Promise<JobSnapshot>;
}

/** What {@link fetchPredictions} fetched. */
export interface FetchedPredictions extends FetchedArtifact {
  /** The predictions artifact as the worker registered it (its `sha256` matched the bytes). */
  artifact: Artifact;
  /** True when the job was stopped early: the file holds the items predicted by then. */
  partial: boolean;
}

/** The predictions artifact of a job, the newest; undefined before it has one. */
export function predictionsOf(snapshot: Pick<JobSnapshot, 'artifacts'>): Artifact | undefined {
  return snapshot.artifacts.findLast((a) => a.kind === 'predictions');
}

/**
 * Waits for a predict job to end and fetches its predictions into `target` with the
 * verified, resumable download (`fetchArtifact`), then checks the bytes against the SHA-256
 * the worker registered for the artifact. Rejects with `predict_failed` (the job failed or
 * was cancelled: `details.jobId`, `details.state`), `no_predictions` (it completed without a
 * predictions artifact) or `download_corrupt`; a broken transfer is `download_interrupted`
 * (fetch again to resume).
 */
export async function fetchPredictions(
  session: PredictSession,
  peer: RpcPeer,
  target: DownloadTarget,
  options: FetchArtifactOptions = {},
): Promise<FetchedPredictions> {
  const final = await session.done;
  if (final.state !== 'completed') {
    const why = final.error?.message ?? `it ended ${final.state}`;
    throw new TrainwireError(
      'predict_failed',
      `predict job ${final.jobId} did not complete (${why}); fix what it says and predict again`,
      { details: { jobId: final.jobId, state: final.state } },
    );
  }
  const artifact = predictionsOf(final);
  if (artifact === undefined) {
    throw new TrainwireError(
      'no_predictions',
      `predict job ${final.jobId} completed without a predictions artifact; is its profile's predict mode writing TRAINWIRE_PREDICTIONS?`,
      { details: { jobId: final.jobId } },
    );
  }
  const fetched = await fetchArtifact(peer, artifact.path, target, options);
  if (artifact.sha256 !== undefined && (await target.sha256('file')) !== artifact.sha256) {
    throw new TrainwireError(
      'download_corrupt',
      `the predictions of job ${final.jobId} on this client differ from what the worker registered (SHA-256); they changed on the worker since, predict again`,
      { details: { file: artifact.path } },
    );
  }
  const partial =
    final.items !== null && final.items.total !== null && final.items.done < final.items.total;
  return { ...fetched, artifact, partial };
}
