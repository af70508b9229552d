import { DatasetNameSchema, newJobId } from '@trainwire/core';
import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import { intFlag, numberFlag, type ParsedArgs } from '../internal/args.js';
import type { RemoteDeps } from '../internal/Connection.js';
import { printNdjson } from '../internal/followSession.js';
import { withManager } from '../internal/withManager.js';
import { refusal } from './experimentsShared.js';

/**
 * `trainwire datasets generate NAME`: a synthetic dataset made on the worker by a job of
 * its own (`dataset.generate`), followed like a training; the file becomes a `dataset`
 * artifact of the job's experiment. An existing dataset of that name is refused unless
 * `--overwrite`.
 */
export async function datasetsCommand(args: ParsedArgs, io: Io, deps: RemoteDeps): Promise<number> {
  const [sub, nameArg] = args.positionals;
  if (sub !== 'generate')
    throw new UsageError(
      `${sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`}; use \`trainwire datasets generate NAME\``,
    );
  const name = DatasetNameSchema.safeParse(nameArg ?? '');
  if (!name.success)
    throw new UsageError(
      `${nameArg === undefined ? 'missing NAME' : `"${nameArg}" is not a dataset name`}: letters, digits, ".", "_" and "-" (e.g. \`trainwire datasets generate blobs-1k\`)`,
    );
  const samples = intFlag(args, 'samples', 10, 10_000_000);
  const diversity = numberFlag(args, 'diversity');
  if (diversity !== undefined && (diversity < 0 || diversity > 1))
    throw new UsageError(`--diversity is between 0 and 1; got ${diversity}`);
  const seed = intFlag(args, 'seed');
  const jobId = newJobId();
  const json = args.values.json === true;
  return withManager(deps.connect, args, async (manager, connection) => {
    const workerName = connection.worker.name;
    await manager
      .peerFor()
      .request('dataset.generate', {
        jobId,
        name: name.data,
        overwrite: args.values.overwrite === true,
        ...(samples === undefined ? {} : { samples }),
        ...(diversity === undefined ? {} : { diversity }),
        ...(seed === undefined ? {} : { seed }),
      })
      .catch(refusal(workerName));
    const session = await manager.attach(jobId);
    if (json) printNdjson(session, io);
    else io.stdout.write(`Generating dataset ${name.data} on ${workerName} (job ${jobId})…\n`);
    // Not a training: no epochs or model to show, only how it ended.
    await session.done;
    const { state, error, artifacts } = session.getSnapshot();
    const dataset = artifacts.find((a) => a.kind === 'dataset');
    const code = state === 'completed' ? ExitCode.ok : ExitCode.jobFailed;
    if (json) return code;
    if (state !== 'completed')
      io.stderr.write(
        `The dataset job ended ${state}${error == null ? '' : `: ${error.message}`}; its log: \`trainwire logs ${jobId}\`.\n`,
      );
    else if (dataset !== undefined)
      io.stdout.write(
        `Dataset ${dataset.path} on ${workerName} (${dataset.size} bytes${dataset.sha256 === undefined ? '' : `, SHA-256 ${dataset.sha256.slice(0, 12)}…`}); train on it with \`trainwire train --input dataset=${dataset.path}\`.\n`,
      );
    return code;
  });
}
