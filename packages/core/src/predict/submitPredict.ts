import type { JobManager } from '../JobManager.js';
import type { JobSession } from '../JobSession.js';
import type { LocalFile } from '../LocalFile.js';
import {
  type Device,
  type JobSpecInput,
  type ModelSource,
  PREDICT_INPUT_ROLE,
} from '../schemas/JobSpec.js';
import type { Transport } from '../Transport.js';

/** What to predict with and on: {@link submitPredict}'s options. */
export interface PredictRequest {
  /** The trainer profile that predicts (`builtin`, `pytorch`, `sleap-nn`). */
  profile: string;
  /** A registered model `{name, version?}`, an artifact `{artifactId}` or a worker path `{path}`. */
  model: ModelSource;
  /** The items to predict on, a file on the worker (its path there). */
  input?: string;
  /** Or a file of this client, uploaded first (verified, skipped when the worker has it). */
  upload?: LocalFile;
  /** The trainer's predict settings (the built-in trainer: `dataset.synthetic` without an input). */
  config?: Record<string, unknown>;
  device?: Device;
  name?: string;
  tags?: string[];
  /** The worker; the manager's default transport otherwise. */
  transport?: Transport;
  jobId?: string;
}

/**
 * The spec of a predict job: `predict.model`, and the input as the job's input of role
 * `input` (so the usual path checks, path fixes and uploads apply to it).
 */
export function predictSpec(request: PredictRequest): JobSpecInput {
  return {
    profile: request.profile,
    predict: { model: request.model },
    config: request.config ?? {},
    inputs: request.input === undefined ? {} : { [PREDICT_INPUT_ROLE]: request.input },
    ...(request.device === undefined ? {} : { device: request.device }),
    ...(request.name === undefined ? {} : { name: request.name }),
    ...(request.tags === undefined ? {} : { tags: request.tags }),
  };
}

/**
 * Submits a predict job through `manager` (the same pipeline as training: validate, check
 * paths, upload, start) and returns its session: `snapshot.items` has the items done, the
 * rate and the ETA; `stop()` keeps the predictions made so far, `cancel()` drops them.
 * Fetch the predictions with {@link fetchPredictions}. The CLI and the widgets both call it.
 *
 * @example
 * ```ts
 * const session = submitPredict(manager, {
 *   profile: 'builtin',
 *   model: { name: 'spirals' },
 *   input: '/srv/data/points.csv',
 * });
 * const { artifact } = await fetchPredictions(session, manager.peerFor(), target);
 * ```
 */
export function submitPredict(manager: JobManager, request: PredictRequest): JobSession {
  if (request.input !== undefined && request.upload !== undefined) {
    throw new RangeError(
      'give the predict input as a worker path (input) or a file to upload (upload), not both',
    );
  }
  return manager.submit(predictSpec(request), {
    ...(request.transport === undefined ? {} : { transport: request.transport }),
    ...(request.jobId === undefined ? {} : { jobId: request.jobId }),
    ...(request.upload === undefined ? {} : { uploads: { [PREDICT_INPUT_ROLE]: request.upload } }),
  });
}
