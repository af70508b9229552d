import { ModelNameSchema, Models, type ModelVersion } from '@trainwire/core';
import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import { listAllWorkers } from '../internal/acrossWorkers.js';
import { type ParsedArgs, stringFlag } from '../internal/args.js';
import type { RemoteDeps } from '../internal/Connection.js';
import { table } from '../internal/format.js';
import { withManager } from '../internal/withManager.js';
import { experimentIdArg, refusal, shortDate } from './experimentsShared.js';

const USAGE = 'models [list|register|activate]';

const MODEL_HEAD = ['NAME', 'VERSION', 'ACTIVE', 'EXPERIMENT', 'ARTIFACT', 'REGISTERED'];

/** One model version as a row of `models list`. */
function modelCells(m: ModelVersion): string[] {
  return [
    m.name,
    `${m.version}`,
    m.active ? '● active' : '',
    m.experimentId ?? '',
    m.artifactId,
    shortDate(m.createdAt),
  ];
}

/**
 * `trainwire models …`: a worker's model registry — list the versions, register a model
 * from a completed experiment (versioned by name), set the active version. Every
 * subcommand has `--json`.
 */
export async function modelsCommand(args: ParsedArgs, io: Io, deps: RemoteDeps): Promise<number> {
  const [sub = 'list', ...rest] = args.positionals;
  const json = args.values.json === true;
  const out = (value: unknown) => io.stdout.write(`${JSON.stringify(value)}\n`);
  let run: (models: Models, worker: string) => Promise<void>;
  if (args.values['all-workers'] === true) {
    if (sub !== 'list')
      throw new UsageError('--all-workers lists; give `models list` it, or --worker NAME');
    const name = rest[0] === undefined ? undefined : nameArg(rest[0]);
    return listAllWorkers(deps, io, json, {
      method: 'model.list',
      params: name === undefined ? {} : { name },
      noun: 'models',
      head: MODEL_HEAD,
      cells: modelCells,
    });
  }
  if (sub === 'list') {
    const name = rest[0] === undefined ? undefined : nameArg(rest[0]);
    run = async (models, worker) => {
      const list = await models.list(name);
      if (json) {
        for (const model of list) out(model);
        return;
      }
      if (list.length === 0) {
        io.stdout.write(
          `No models registered on ${worker}${name === undefined ? '' : ` as ${name}`} yet; register one with \`trainwire models register NAME --experiment EXPERIMENT\`.\n`,
        );
        return;
      }
      io.stdout.write(table([MODEL_HEAD, ...list.map(modelCells)]));
    };
  } else if (sub === 'register') {
    const name = nameArg(rest[0]);
    const experimentId = experimentIdArg(
      [stringFlag(args, 'experiment') ?? ''].filter((v) => v !== ''),
      0,
      `say which experiment's model: \`trainwire models register ${name} --experiment EXPERIMENT\``,
    );
    const artifactId = stringFlag(args, 'artifact');
    const activate = args.values.activate === true;
    run = async (models) => {
      const model = await models.register({
        name,
        experimentId,
        activate,
        ...(artifactId === undefined ? {} : { artifactId }),
      });
      if (json) out(model);
      else io.stdout.write(`${describe(model)}\n`);
    };
  } else if (sub === 'activate') {
    const name = nameArg(rest[0]);
    const version = versionArg(rest[1], name);
    run = async (models) => {
      const model = await models.activate(name, version);
      if (json) out(model);
      else io.stdout.write(`${describe(model)}\n`);
    };
  } else {
    throw new UsageError(`unknown subcommand "${sub}"; use \`trainwire ${USAGE}\``);
  }
  return withManager(deps.connect, args, async (manager, connection) => {
    const worker = connection.worker.name;
    await run(new Models(manager.peerFor()), worker).catch(refusal(worker));
    return ExitCode.ok;
  });
}

function describe(model: ModelVersion): string {
  const from = model.experimentId === undefined ? '' : ` from experiment ${model.experimentId}`;
  return `${model.name} version ${model.version}${from}${model.active ? ' is the active model.' : ` is registered (not active; \`trainwire models activate ${model.name} ${model.version}\` makes it so).`}`;
}

function nameArg(raw: string | undefined): string {
  if (raw === undefined)
    throw new UsageError(
      'missing NAME: name the model, e.g. `trainwire models register mouse-pose …`',
    );
  const parsed = ModelNameSchema.safeParse(raw);
  if (!parsed.success)
    throw new UsageError(
      `"${raw}" is not a model name (${parsed.error.issues[0]?.message ?? 'invalid'}), e.g. mouse_pose-v2`,
    );
  return parsed.data;
}

function versionArg(raw: string | undefined, name: string): number {
  const version = Number(raw);
  if (raw === undefined || !Number.isInteger(version) || version < 1)
    throw new UsageError(
      `give the version to activate as a whole number: \`trainwire models activate ${name} VERSION\` (\`trainwire models list ${name}\` lists them)`,
    );
  return version;
}
