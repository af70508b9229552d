import { resolve } from 'node:path';
import { type Artifact, ArtifactKindSchema, Artifacts, baseName } from '@trainwire/core';
import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import { listAllWorkers } from '../internal/acrossWorkers.js';
import { intFlag, type ParsedArgs, stringFlag } from '../internal/args.js';
import type { RemoteDeps } from '../internal/Connection.js';
import { table } from '../internal/format.js';
import { withManager } from '../internal/withManager.js';
import { pageFooter, refusal, shortDate } from './experimentsShared.js';
import { downloadInto } from './fetch.js';

const USAGE = 'artifacts [list|get ID|rename ID NAME|delete ID]';

const ARTIFACT_HEAD = ['ID', 'KIND', 'NAME', 'SIZE', 'EXPERIMENT', 'CREATED'];

/** One artifact as a row of `artifacts list`. */
function artifactCells(a: Artifact): string[] {
  return [
    a.id,
    a.label === undefined ? a.kind : `${a.kind} (${a.label})`,
    baseName(a.path),
    `${a.size}`,
    a.experimentId ?? '',
    a.createdAt === undefined ? '' : shortDate(a.createdAt),
  ];
}

/**
 * `trainwire artifacts …`: a worker's files — checkpoints, models, datasets, logs,
 * predictions — list (newest first, by experiment or kind, paged), get one (the verified,
 * resumable download of `fetch`), rename one on the worker, delete one (refused while it
 * is a registered model or a running job uses it). Every subcommand has `--json`.
 */
export async function artifactsCommand(
  args: ParsedArgs,
  io: Io,
  deps: RemoteDeps,
): Promise<number> {
  const [sub = 'list', ...rest] = args.positionals;
  const json = args.values.json === true;
  const out = (value: unknown) => io.stdout.write(`${JSON.stringify(value)}\n`);
  const idArg = (usage: string) => {
    const id = rest[0];
    if (id === undefined || !/^\S{1,128}$/.test(id))
      throw new UsageError(
        `${id === undefined ? 'missing ARTIFACT' : `"${id}" is not an artifact id`}: ${usage} (list them with \`trainwire artifacts list\`)`,
      );
    return id;
  };
  let run: (artifacts: Artifacts, worker: string) => Promise<void>;
  if (sub === 'list') {
    const kind = stringFlag(args, 'kind');
    if (kind !== undefined && !ArtifactKindSchema.safeParse(kind).success)
      throw new UsageError(
        `--kind must be one of ${ArtifactKindSchema.options.join(', ')}; got "${kind}"`,
      );
    const experimentId = stringFlag(args, 'experiment');
    const limit = intFlag(args, 'limit', 1, 500);
    const offset = intFlag(args, 'offset', 0) ?? 0;
    if (args.values['all-workers'] === true)
      return listAllWorkers(deps, io, json, {
        method: 'artifact.list',
        params: {
          offset: 0,
          limit: limit ?? 50,
          ...(kind === undefined ? {} : { kind: kind as Artifact['kind'] }),
          ...(experimentId === undefined ? {} : { experimentId }),
        },
        noun: 'artifacts',
        head: ARTIFACT_HEAD,
        cells: artifactCells,
      });
    run = async (artifacts, worker) => {
      const page = await artifacts.list({
        offset,
        ...(limit === undefined ? {} : { limit }),
        ...(kind === undefined ? {} : { kind: kind as Artifact['kind'] }),
        ...(experimentId === undefined ? {} : { experimentId }),
      });
      if (json) {
        for (const artifact of page.artifacts) out(artifact);
        return;
      }
      if (page.artifacts.length === 0) {
        io.stdout.write(`No artifacts on ${worker} match.\n`);
        return;
      }
      io.stdout.write(table([ARTIFACT_HEAD, ...page.artifacts.map(artifactCells)]));
      io.stdout.write(pageFooter('artifact', page, offset + page.artifacts.length));
    };
  } else if (sub === 'get') {
    const id = idArg('`trainwire artifacts get ID [--out DIR]`');
    const dir = resolve(stringFlag(args, 'out') ?? '.');
    return withManager(deps.connect, args, async (manager, connection) => {
      const { artifact } = await new Artifacts(manager.peerFor())
        .get(id)
        .catch(refusal(connection.worker.name));
      await downloadInto(manager.peerFor(), artifact, dir, io, json);
      return ExitCode.ok;
    });
  } else if (sub === 'rename') {
    const id = idArg('`trainwire artifacts rename ID NAME`');
    const name = rest[1];
    if (name === undefined || !/^[A-Za-z0-9._-]{1,255}$/.test(name) || /^\.\.?$/.test(name))
      throw new UsageError(
        `${name === undefined ? 'missing NAME' : `"${name}" is not a file name`}: the new name is letters, digits, ".", "_" and "-" (e.g. \`trainwire artifacts rename ${id} mouse-v2.json\`)`,
      );
    run = async (artifacts) => {
      const artifact = await artifacts.rename(id, name);
      if (json) out(artifact);
      else io.stdout.write(`Renamed ${id}: now ${artifact.path}.\n`);
    };
  } else if (sub === 'delete') {
    const id = idArg('`trainwire artifacts delete ID`');
    run = async (artifacts) => {
      const result = await artifacts.delete(id);
      if (json) out(result);
      else
        io.stdout.write(
          `Deleted artifact ${id}${result.fileDeleted ? ' and its file' : ' (its file was already gone)'}.\n`,
        );
    };
  } else {
    throw new UsageError(`unknown subcommand "${sub}"; use \`trainwire ${USAGE}\``);
  }
  return withManager(deps.connect, args, async (manager, connection) => {
    await run(new Artifacts(manager.peerFor()), connection.worker.name).catch(
      refusal(connection.worker.name),
    );
    return ExitCode.ok;
  });
}
