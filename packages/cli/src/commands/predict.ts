import { resolve } from 'node:path';
import {
  baseName,
  type Device,
  fetchPredictions,
  type JobManager,
  type JobSession,
  type LocalFile,
  type ModelSource,
  PREDICT_INPUT_ROLE,
  predictionsOf,
  predictSpec,
  type TransferProgress,
} from '@trainwire/core';
import { CliError, ExitCode, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import { type ParsedArgs, stringFlag } from '../internal/args.js';
import { modelVersionArg, readConfigFile } from '../internal/buildSpec.js';
import type { RemoteDeps } from '../internal/Connection.js';
import { describeTransfer } from '../internal/format.js';
import { localFile } from '../internal/localFile.js';
import { connectOptions } from '../internal/withManager.js';
import { downloadProblem, downloadTargetIn, makeOutDir } from './fetch.js';
import { runOnConnection } from './train.js';

/**
 * `trainwire predict`: runs a model on the worker over new items (a file on the worker,
 * or one uploaded first), follows the job (items done, rate, time left; Ctrl-C stops and
 * keeps the predictions so far, twice cancels), then downloads the predictions into
 * `--out`, checked against the SHA-256 the worker registered. Exit codes as `train`.
 */
export async function predictCommand(args: ParsedArgs, io: Io, deps: RemoteDeps): Promise<number> {
  const model = modelSourceFlag(args);
  const input = stringFlag(args, 'input');
  const uploadPath = stringFlag(args, 'upload');
  if (input !== undefined && uploadPath !== undefined)
    throw new UsageError(
      '--input names a file on the worker, --upload one on this machine: pass one',
    );
  const device = stringFlag(args, 'device');
  if (device !== undefined && !['auto', 'cpu', 'gpu'].includes(device))
    throw new UsageError(`--device must be auto, cpu or gpu; got "${device}"`);
  const configFile = stringFlag(args, 'config');
  const config = configFile === undefined ? {} : await readConfigFile(configFile);
  const out = resolve(stringFlag(args, 'out') ?? '.');
  // Before anything runs: a folder the predictions cannot go to fails now.
  await makeOutDir(out);
  const name = stringFlag(args, 'name');
  const spec = predictSpec({
    profile: stringFlag(args, 'profile') ?? 'builtin',
    model,
    config,
    ...(input === undefined ? {} : { input }),
    ...(device === undefined ? {} : { device: device as Device }),
    ...(name === undefined ? {} : { name }),
  });
  const uploads: Record<string, LocalFile> =
    uploadPath === undefined
      ? {}
      : { [PREDICT_INPUT_ROLE]: await localFile(uploadPath, '--upload LOCAL') };
  const connection = await deps.connect(connectOptions(args));
  try {
    return await runOnConnection(args, io, connection, spec, uploads, {
      remoteWorker: true,
      connect: deps.connect,
      afterFollow: (session, manager, code) =>
        code === ExitCode.ok || code === ExitCode.interrupted
          ? downloadPredictions(session, manager, out, io, args.values.json === true, code)
          : Promise.resolve(code),
    });
  } finally {
    await connection.close();
  }
}

/** `--model NAME[:V]`, `--model-artifact ID` or `--model-path PATH`: exactly one. */
function modelSourceFlag(args: ParsedArgs): ModelSource {
  const given = (['model', 'model-artifact', 'model-path'] as const).filter(
    (flag) => args.values[flag] !== undefined,
  );
  if (given.length !== 1)
    throw new UsageError(
      given.length === 0
        ? 'say which model predicts: --model NAME[:VERSION] (a registered one, `trainwire models list`), --model-artifact ID or --model-path PATH (on the worker)'
        : `${given.map((flag) => `--${flag}`).join(' and ')} each name a model: pass one`,
    );
  const artifactId = stringFlag(args, 'model-artifact');
  if (artifactId !== undefined) return { artifactId };
  const path = stringFlag(args, 'model-path');
  if (path !== undefined) return { path };
  return modelVersionArg(stringFlag(args, 'model')!, '--model');
}

/**
 * Downloads a finished predict job's predictions into `dir` (core's `fetchPredictions`:
 * resumable, size and SHA-256 checked, then checked against the artifact's registered
 * hash) and says where they are. A job stopped early (`interrupted`: Ctrl-C) still has
 * the predictions made so far.
 */
async function downloadPredictions(
  session: JobSession,
  manager: JobManager,
  dir: string,
  io: Io,
  json: boolean,
  code: number,
): Promise<number> {
  const final = session.getSnapshot();
  // Stopped before the trainer wrote anything, or followed no further: nothing to fetch.
  if (final.state !== 'completed') return code;
  const artifact = predictionsOf(final);
  if (artifact === undefined)
    throw new CliError(
      'no_predictions',
      ExitCode.jobFailed,
      `job ${final.jobId} completed without a predictions file; the ${final.spec.profile} profile's predict mode must write TRAINWIRE_PREDICTIONS (docs/trainers.md)`,
    );
  const name = baseName(artifact.path);
  const show = json
    ? undefined
    : (p: TransferProgress) => io.stdout.write(`${describeTransfer('Fetching', p)}\n`);
  try {
    const fetched = await fetchPredictions(
      session,
      manager.peerFor(),
      downloadTargetIn(dir, name),
      {
        name,
        ...(show === undefined ? {} : { onProgress: show }),
      },
    );
    const to = resolve(dir, name);
    if (json)
      io.stdout.write(
        `${JSON.stringify({ type: 'predictions', jobId: final.jobId, from: artifact.path, to, bytes: fetched.bytes, sha256: artifact.sha256 ?? null, partial: fetched.partial })}\n`,
      );
    else
      io.stdout.write(
        `Predictions: ${to} (${fetched.bytes} bytes, SHA-256 verified${fetched.partial ? '; stopped early, so only the items done by then' : ''}).\n`,
      );
    return code;
  } catch (error) {
    throw downloadProblem(error, name);
  }
}
