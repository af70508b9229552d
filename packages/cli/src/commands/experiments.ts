import {
  type Experiment,
  type ExperimentFilter,
  type ExperimentLineage,
  ExperimentStatusSchema,
  Experiments,
  ExperimentTagSchema,
  formatMetric,
} from '@trainwire/core';
import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import { listAllWorkers } from '../internal/acrossWorkers.js';
import { intFlag, listFlag, type ParsedArgs, stringFlag } from '../internal/args.js';
import type { RemoteDeps } from '../internal/Connection.js';
import { table } from '../internal/format.js';
import { withManager } from '../internal/withManager.js';
import { experimentIdArg, pageFooter, refusal, shortDate } from './experimentsShared.js';

const USAGE = 'experiments [list|show|rename|tag|delete|lineage]';

/**
 * `trainwire experiments …`: a worker's experiments — list (filter by status, tag, name;
 * newest first; paged), show one with its artifacts, rename, tag, delete, and the lineage
 * tree. Every subcommand has `--json`.
 */
export async function experimentsCommand(
  args: ParsedArgs,
  io: Io,
  deps: RemoteDeps,
): Promise<number> {
  const [sub = 'list', ...rest] = args.positionals;
  const json = args.values.json === true;
  const run = SUBCOMMANDS[sub];
  if (run === undefined)
    throw new UsageError(`unknown subcommand "${sub}"; use \`trainwire ${USAGE}\``);
  if (args.values['all-workers'] === true) {
    if (sub !== 'list')
      throw new UsageError('--all-workers lists; give `experiments list` it, or --worker NAME');
    const filter = listFilter(args);
    return listAllWorkers(deps, io, json, {
      method: 'experiment.list',
      params: { ...filter, offset: 0, limit: filter.limit ?? 50 },
      noun: 'experiments',
      head: EXPERIMENT_HEAD,
      cells: experimentCells,
    });
  }
  // Flags and arguments are checked before connecting.
  const prepared = run(rest, args);
  return withManager(deps.connect, args, async (manager, connection) => {
    const experiments = new Experiments(manager.peerFor());
    const out = (value: unknown) => io.stdout.write(`${JSON.stringify(value)}\n`);
    await prepared(experiments, { io, json, out, worker: connection.worker.name }).catch(
      refusal(connection.worker.name),
    );
    return ExitCode.ok;
  });
}

const EXPERIMENT_HEAD = ['ID', 'STATUS', 'NAME', 'PARENT', 'TAGS', 'CREATED'];

/** One experiment as a row of `experiments list`. */
function experimentCells(e: Experiment): string[] {
  return [
    e.id,
    e.status,
    e.name,
    e.parentId === undefined ? '' : `${e.relation ?? 'from'} ${e.parentId}`,
    e.tags.join(','),
    shortDate(e.createdAt),
  ];
}

interface Context {
  io: Io;
  json: boolean;
  out: (value: unknown) => void;
  worker: string;
}

type Prepared = (experiments: Experiments, context: Context) => Promise<void>;

const SUBCOMMANDS: Record<string, (rest: string[], args: ParsedArgs) => Prepared> = {
  list: (_rest, args) => {
    const filter = listFilter(args);
    const offset = intFlag(args, 'offset', 0) ?? 0;
    return async (experiments, { io, json, out, worker }) => {
      const page = await experiments.list({ ...filter, offset });
      if (json) {
        for (const experiment of page.experiments) out(experiment);
        return;
      }
      if (page.experiments.length === 0) {
        io.stdout.write(
          page.total === 0
            ? `No experiments on ${worker} match.\n`
            : 'No experiments on this page.\n',
        );
        return;
      }
      io.stdout.write(table([EXPERIMENT_HEAD, ...page.experiments.map(experimentCells)]));
      io.stdout.write(pageFooter('experiment', page, offset + page.experiments.length));
    };
  },
  show: (rest) => {
    const id = experimentIdArg(rest, 0, 'name it, e.g. `trainwire experiments show exp-…`');
    return async (experiments, { io, json, out }) => {
      const { experiment, artifacts, jobIds } = await experiments.get(id);
      if (json) {
        out({ ...experiment, artifacts, jobIds });
        return;
      }
      io.stdout.write(describe(experiment));
      io.stdout.write(`Jobs: ${jobIds.length === 0 ? 'none yet' : jobIds.join(', ')}\n`);
      if (artifacts.length === 0) io.stdout.write('Artifacts: none\n');
      else
        io.stdout.write(
          `Artifacts:\n${table([
            ['ID', 'KIND', 'LABEL', 'SIZE', 'PATH'],
            ...artifacts.map((a) => [a.id, a.kind, a.label ?? '', `${a.size}`, a.path]),
          ])}`,
        );
    };
  },
  rename: (rest) => {
    const id = experimentIdArg(rest, 0, '`trainwire experiments rename EXPERIMENT NAME`');
    const name = rest.slice(1).join(' ').trim();
    if (name === '' || name.length > 200)
      throw new UsageError(
        'give the new name (1 to 200 characters): `trainwire experiments rename EXPERIMENT NAME`',
      );
    return async (experiments, { io, json, out }) => {
      const experiment = await experiments.rename(id, name);
      if (json) out(experiment);
      else io.stdout.write(`Renamed experiment ${id} to "${experiment.name}".\n`);
    };
  },
  tag: (rest, args) => {
    const id = experimentIdArg(rest, 0, '`trainwire experiments tag EXPERIMENT --add TAG`');
    const add = [...rest.slice(1), ...listFlag(args, 'add')].map((t) => tagArg(t, 'add'));
    const remove = listFlag(args, 'remove').map((t) => tagArg(t, 'remove'));
    if (add.length === 0 && remove.length === 0)
      throw new UsageError(
        'name a tag to add or remove: `trainwire experiments tag EXPERIMENT --add TAG [--remove TAG]`',
      );
    return async (experiments, { io, json, out }) => {
      const experiment = await experiments.tag(id, { add, remove });
      if (json) out(experiment);
      else
        io.stdout.write(
          `Experiment ${id} is tagged ${experiment.tags.length === 0 ? '(no tags)' : experiment.tags.join(', ')}.\n`,
        );
    };
  },
  delete: (rest, args) => {
    const id = experimentIdArg(rest, 0, '`trainwire experiments delete EXPERIMENT`');
    const withArtifacts = args.values['with-artifacts'] === true;
    return async (experiments, { io, json, out, worker }) => {
      const result = await experiments.delete(id, { withArtifacts });
      if (json) out(result);
      else
        io.stdout.write(
          `Deleted experiment ${id} on ${worker} with ${result.jobsDeleted} job record(s)${
            withArtifacts
              ? ` and ${result.artifactsDeleted} artifact(s).`
              : '; its files stay on the worker (pass --with-artifacts to delete them too).'
          }\n`,
        );
    };
  },
  lineage: (rest) => {
    const id = experimentIdArg(rest, 0, '`trainwire experiments lineage EXPERIMENT`');
    return async (experiments, { io, json, out }) => {
      const lineage = await experiments.lineage(id);
      if (json) out({ rootId: lineage.rootId, nodes: lineage.nodes });
      else io.stdout.write(drawTree(lineage, id));
    };
  },
};

function listFilter(args: ParsedArgs): ExperimentFilter {
  const status = stringFlag(args, 'status');
  const tag = stringFlag(args, 'tag');
  const name = stringFlag(args, 'name');
  const limit = intFlag(args, 'limit', 1, 500);
  if (status !== undefined && !ExperimentStatusSchema.safeParse(status).success)
    throw new UsageError(
      `--status takes one of ${ExperimentStatusSchema.options.join(', ')}; got "${status}"`,
    );
  return {
    ...(status === undefined ? {} : { status: status as ExperimentFilter['status'] & string }),
    ...(tag === undefined ? {} : { tag: tagArg(tag, 'tag') }),
    ...(name === undefined ? {} : { name }),
    ...(limit === undefined ? {} : { limit }),
  };
}

function tagArg(tag: string, flag: string): string {
  const parsed = ExperimentTagSchema.safeParse(tag);
  if (!parsed.success)
    throw new UsageError(
      `--${flag} "${tag}" is not a tag: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  return parsed.data;
}

function describe(e: Experiment): string {
  const lines = [
    `Experiment ${e.id}: ${e.name}`,
    `Status: ${e.status}${e.finishedAt === undefined ? '' : ` (ended ${shortDate(e.finishedAt)})`}`,
    `Created: ${shortDate(e.createdAt)}`,
  ];
  if (e.preset !== undefined) lines.push(`Preset: ${e.preset}`);
  if (e.parentId !== undefined)
    lines.push(`${e.relation === 'retry' ? 'Retry of' : 'Continues'}: ${e.parentId}`);
  if (e.checkpointSource !== undefined) lines.push(`Starts from: ${e.checkpointSource}`);
  if (e.tags.length > 0) lines.push(`Tags: ${e.tags.join(', ')}`);
  if (e.finalMetrics !== undefined)
    lines.push(
      `Final metrics: ${Object.entries(e.finalMetrics)
        .map(([k, v]) => `${k} ${formatMetric(v)}`)
        .join(', ')}`,
    );
  return `${lines.join('\n')}\n`;
}

/** The lineage as an indented tree, `id` marked. */
function drawTree(lineage: ExperimentLineage, id: string): string {
  const byId = new Map(lineage.nodes.map((n) => [n.id, n]));
  const lines: string[] = [];
  const walk = (nodeId: string, prefix: string, last: boolean, root: boolean) => {
    const node = byId.get(nodeId);
    if (!node) return;
    const how = node.relation === undefined ? '' : ` [${node.relation}]`;
    const mark = node.id === id ? '  ◀' : '';
    lines.push(
      `${root ? '' : `${prefix}${last ? '└─ ' : '├─ '}`}${node.id}  ${node.name}  (${node.status})${how}${mark}`,
    );
    const children = lineage.children.get(nodeId) ?? [];
    for (const [i, child] of children.entries())
      walk(child, root ? '' : `${prefix}${last ? '   ' : '│  '}`, i === children.length - 1, false);
  };
  walk(lineage.rootId, '', true, true);
  return `${lines.join('\n')}\n`;
}
