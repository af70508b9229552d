import { CONFORMANCE_COMMAND } from './commands/conformanceSpec.js';
import type { Io } from './Io.js';
import type { CommandSpec, FlagSpec, ParsedArgs } from './internal/args.js';
import type { RemoteDeps } from './internal/Connection.js';

const WORKER_FLAGS: Record<string, FlagSpec> = {
  worker: {
    type: 'string',
    value: 'NAME',
    description: 'the worker to use (asked for when missing at a terminal)',
  },
  'auto-select': {
    type: 'boolean',
    description: 'pick the available worker with the most GPU memory',
  },
  'min-gpu-memory': {
    type: 'string',
    value: 'MIB',
    description: 'with --auto-select: least GPU memory, in MiB',
  },
  'worker-key-id': {
    type: 'string',
    value: 'ID',
    description:
      'only the worker registered with this worker key id (`trainwire workers` shows it)',
  },
  'data-dir': {
    type: 'string',
    value: 'DIR',
    description:
      'the embedded worker of `trainwire up --data-dir DIR` (the running one, else opened here)',
  },
};

/** The flags of commands that follow a job: how long a silent worker is waited for. */
const WATCH_FLAGS: Record<string, FlagSpec> = {
  'heartbeat-timeout': {
    type: 'string',
    value: 'SECONDS',
    description: 'say the worker is unreachable after this long without a word from it (30)',
  },
  'wait-for-worker': {
    type: 'string',
    value: 'SECONDS',
    description: 'how long to wait for an unreachable worker to come back before giving up (600)',
  },
};

type Remote = (args: ParsedArgs, io: Io, deps: RemoteDeps) => Promise<number>;

/** Loads a command that talks to a worker, with the default connection (signaling + WebRTC). */
function remote(load: () => Promise<Remote>): CommandSpec['run'] {
  return async () => {
    const [command, { defaultConnect, defaultListWorkers }, { embeddedConnect }] =
      await Promise.all([
        load(),
        import('./internal/defaultConnect.js'),
        import('./internal/embedded.js'),
      ]);
    return (args, io) => {
      const dataDir = args.values['data-dir'];
      return command(
        args,
        io,
        typeof dataDir === 'string'
          ? { connect: embeddedConnect(dataDir, io), listWorkers: async () => ['local-worker'] }
          : { connect: defaultConnect(io), listWorkers: defaultListWorkers(io) },
      );
    };
  };
}

/**
 * Every `trainwire` command. Each one's module is imported only when it runs, so `--help`
 * stays quick and heavy modules (werift, zeromq, SQLite) load only where needed.
 */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'train',
    summary: 'Validate, check paths, upload, start a job on a worker and follow it live.',
    usage:
      'train [--worker NAME | --auto-select] [--profile ID] [--config FILE | --preset NAME] [flags]',
    flags: {
      ...WATCH_FLAGS,
      ...WORKER_FLAGS,
      profile: {
        type: 'string',
        value: 'ID',
        description: 'trainer profile: builtin (default), sleap-nn, or one the worker declares',
      },
      config: { type: 'string', value: 'FILE', description: 'trainer config, YAML or JSON' },
      preset: {
        type: 'string',
        value: 'NAME',
        description: 'quick, standard or epic (builtin and pytorch profiles)',
      },
      'fine-tune': {
        type: 'string',
        value: 'MODEL[:V]',
        description: "start from a registered model's weights (its active version by default)",
      },
      pipeline: {
        type: 'string',
        value: 'NAME',
        description: 'a pipeline of the profile, stage after stage: top-down (sleap-nn)',
      },
      stages: {
        type: 'string',
        value: 'FILE',
        description: 'a pipeline of your own: YAML or JSON with a "stages:" list',
      },
      input: {
        type: 'string',
        multiple: true,
        value: 'ROLE=PATH',
        description: 'an input file, as a path on the worker',
      },
      upload: {
        type: 'string',
        multiple: true,
        value: 'ROLE=LOCAL',
        description: 'a file on this machine to send (skipped if the worker has it)',
      },
      'map-path': {
        type: 'string',
        multiple: true,
        value: 'FROM=TO',
        description: 'rewrite input paths starting with FROM to TO',
      },
      resume: {
        type: 'string',
        value: 'CKPT',
        description: 'checkpoint on the worker to resume from',
      },
      continue: {
        type: 'string',
        value: 'EXP',
        description: "a child of experiment EXP from its last checkpoint, with EXP's config",
      },
      retry: {
        type: 'string',
        value: 'EXP',
        description: 'run the failed (or cancelled) experiment EXP again, as a new experiment',
      },
      epochs: { type: 'string', value: 'N', description: 'override the number of epochs' },
      lr: { type: 'string', value: 'RATE', description: 'override the learning rate' },
      'batch-size': { type: 'string', value: 'N', description: 'override the batch size' },
      name: { type: 'string', value: 'NAME', description: 'a name for the run' },
      device: {
        type: 'string',
        value: 'auto|cpu|gpu',
        description: 'where the trainer runs (default auto)',
      },
      'zmq-publish': {
        type: 'string',
        value: 'ADDR',
        description: 'feed a loss viewer: its progress address (e.g. tcp://127.0.0.1:9001)',
      },
      'zmq-control': {
        type: 'string',
        value: 'ADDR',
        description: "the loss viewer's control address (e.g. tcp://127.0.0.1:9000)",
      },
      logs: { type: 'boolean', description: "show the trainer's output lines" },
      detach: {
        type: 'boolean',
        description: 'start the job and exit; follow it later with attach',
      },
    },
    run: remote(async () => (await import('./commands/train.js')).trainCommand),
  },
  {
    name: 'predict',
    summary: 'Run a trained model on new data on a worker and download its predictions.',
    usage:
      'predict (--model NAME[:V] | --model-artifact ID | --model-path PATH) [--input PATH | --upload LOCAL] [--out DIR]',
    flags: {
      ...WATCH_FLAGS,
      ...WORKER_FLAGS,
      model: {
        type: 'string',
        value: 'NAME[:V]',
        description: 'a registered model (its active version by default)',
      },
      'model-artifact': {
        type: 'string',
        value: 'ID',
        description: 'a model or checkpoint artifact (`trainwire artifacts list`)',
      },
      'model-path': { type: 'string', value: 'PATH', description: 'a model file on the worker' },
      input: {
        type: 'string',
        value: 'PATH',
        description: 'the items to predict on, a file on the worker',
      },
      upload: {
        type: 'string',
        value: 'LOCAL',
        description: 'the items to predict on, a file on this machine (sent first)',
      },
      profile: {
        type: 'string',
        value: 'ID',
        description: 'trainer profile that predicts: builtin (default), pytorch, sleap-nn',
      },
      config: { type: 'string', value: 'FILE', description: 'predict settings, YAML or JSON' },
      out: {
        type: 'string',
        value: 'DIR',
        description: 'where the predictions go (default: the current folder)',
      },
      name: { type: 'string', value: 'NAME', description: 'a name for the run' },
      device: {
        type: 'string',
        value: 'auto|cpu|gpu',
        description: 'where the model runs (default auto)',
      },
    },
    run: remote(async () => (await import('./commands/predict.js')).predictCommand),
  },
  {
    name: 'readiness',
    summary: 'Whether a worker can train now: its GPU, the devices, each trainer profile checked.',
    usage: 'readiness [--worker NAME] [--refresh] [--log]',
    flags: {
      ...WORKER_FLAGS,
      refresh: { type: 'boolean', description: 'check again now (else the cached answer)' },
      log: { type: 'boolean', description: "print each profile's check log" },
    },
    run: remote(async () => (await import('./commands/readiness.js')).readinessCommand),
  },
  {
    name: 'jobs',
    summary: "List a worker's jobs.",
    usage: 'jobs [--worker NAME]',
    flags: { ...WORKER_FLAGS },
    run: remote(async () => (await import('./commands/jobs.js')).jobsCommand),
  },
  {
    name: 'attach',
    summary: 'Follow a running (or finished) job from where it is, with its history.',
    usage: 'attach JOB [--worker NAME] [--logs]',
    positionals: 'JOB',
    flags: {
      ...WATCH_FLAGS,
      ...WORKER_FLAGS,
      logs: { type: 'boolean', description: "show the trainer's output lines" },
    },
    run: remote(async () => (await import('./commands/jobs.js')).attachCommand),
  },
  {
    name: 'logs',
    summary: "Print a job's output lines.",
    usage: 'logs JOB [--worker NAME] [--follow]',
    positionals: 'JOB',
    flags: {
      ...WORKER_FLAGS,
      follow: { type: 'boolean', description: 'keep printing until the job ends' },
    },
    run: remote(async () => (await import('./commands/jobs.js')).logsCommand),
  },
  {
    name: 'stop',
    summary: 'Ask a job to finish its epoch, save a checkpoint and end.',
    usage: 'stop JOB [--worker NAME]',
    positionals: 'JOB',
    flags: { ...WORKER_FLAGS },
    run: remote(async () => (await import('./commands/jobs.js')).stopCommand),
  },
  {
    name: 'cancel',
    summary: 'End a job now.',
    usage: 'cancel JOB [--worker NAME]',
    positionals: 'JOB',
    flags: { ...WORKER_FLAGS },
    run: remote(async () => (await import('./commands/jobs.js')).cancelCommand),
  },
  {
    name: 'experiments',
    summary:
      "List, show, rename, tag or delete a worker's experiments, or draw one's lineage tree.",
    usage:
      'experiments [list [--status S] [--tag T] [--name TEXT] [--limit N] [--offset N] | show EXP | rename EXP NAME | tag EXP [--add T] [--remove T] | delete EXP [--with-artifacts] | lineage EXP] [--worker NAME]',
    positionals: 'list | show EXP | rename EXP NAME | tag EXP | delete EXP | lineage EXP',
    flags: {
      ...WORKER_FLAGS,
      'all-workers': {
        type: 'boolean',
        description: 'list: every worker of the room at once, each row naming its worker',
      },
      status: {
        type: 'string',
        value: 'STATUS',
        description:
          'list: only experiments in this state (created, running, completed, failed, …)',
      },
      tag: { type: 'string', value: 'TAG', description: 'list: only experiments with this tag' },
      name: { type: 'string', value: 'TEXT', description: 'list: names containing TEXT' },
      limit: { type: 'string', value: 'N', description: 'list: rows per page (50, at most 500)' },
      offset: { type: 'string', value: 'N', description: 'list: skip the first N rows' },
      add: { type: 'string', multiple: true, value: 'TAG', description: 'tag: add this tag' },
      remove: { type: 'string', multiple: true, value: 'TAG', description: 'tag: remove this tag' },
      'with-artifacts': {
        type: 'boolean',
        description: "delete: delete the experiment's checkpoints and other files too",
      },
    },
    run: remote(async () => (await import('./commands/experiments.js')).experimentsCommand),
  },
  {
    name: 'models',
    summary:
      "List a worker's registered models, register one from an experiment, set the active version.",
    usage:
      'models [list [NAME] | register NAME --experiment EXP [--artifact ID] [--activate] | activate NAME VERSION] [--worker NAME]',
    positionals: 'list [NAME] | register NAME | activate NAME VERSION',
    flags: {
      ...WORKER_FLAGS,
      'all-workers': {
        type: 'boolean',
        description: 'list: every worker of the room at once, each row naming its worker',
      },
      experiment: {
        type: 'string',
        value: 'EXP',
        description: 'register: the completed experiment whose model it is',
      },
      artifact: {
        type: 'string',
        value: 'ID',
        description: 'register: which artifact (default: its last model, else its last checkpoint)',
      },
      activate: { type: 'boolean', description: 'register: make it the active version' },
    },
    run: remote(async () => (await import('./commands/models.js')).modelsCommand),
  },
  {
    name: 'artifacts',
    summary:
      "List a worker's checkpoints, models, datasets and other files; download, rename or delete one.",
    usage:
      'artifacts [list [--experiment EXP] [--kind KIND] [--limit N] [--offset N] | get ID [--out DIR] | rename ID NAME | delete ID] [--worker NAME]',
    positionals: 'list | get ID | rename ID NAME | delete ID',
    flags: {
      ...WORKER_FLAGS,
      'all-workers': {
        type: 'boolean',
        description: 'list: every worker of the room at once, each row naming its worker',
      },
      experiment: { type: 'string', value: 'EXP', description: "list: only this experiment's" },
      kind: {
        type: 'string',
        value: 'KIND',
        description: 'list: checkpoint, model, dataset, log, predictions or video',
      },
      limit: { type: 'string', value: 'N', description: 'list: rows per page (50, at most 500)' },
      offset: { type: 'string', value: 'N', description: 'list: skip the first N rows' },
      out: { type: 'string', value: 'DIR', description: 'get: where to put the file (default .)' },
    },
    run: remote(async () => (await import('./commands/artifacts.js')).artifactsCommand),
  },
  {
    name: 'presets',
    summary: "A profile's presets (quick, standard, epic) with the time each takes on the worker.",
    usage: 'presets [--profile builtin|pytorch] [--dataset PATH] [--worker NAME]',
    flags: {
      ...WORKER_FLAGS,
      profile: { type: 'string', value: 'ID', description: 'trainer profile (default builtin)' },
      dataset: {
        type: 'string',
        value: 'PATH',
        description: 'a dataset on the worker, for an estimate at its size',
      },
    },
    run: remote(async () => (await import('./commands/presets.js')).presetsCommand),
  },
  {
    name: 'datasets',
    summary: 'Generate a synthetic dataset on a worker, as a job whose file becomes an artifact.',
    usage:
      'datasets generate NAME [--samples N] [--diversity 0..1] [--seed N] [--overwrite] [--worker NAME]',
    positionals: 'generate NAME',
    flags: {
      ...WORKER_FLAGS,
      samples: { type: 'string', value: 'N', description: 'rows to generate (1000)' },
      diversity: {
        type: 'string',
        value: '0..1',
        description: '0: clean, well-separated classes; 1: heavily overlapping (0.1)',
      },
      seed: { type: 'string', value: 'N', description: 'the same seed makes the same data (7)' },
      overwrite: { type: 'boolean', description: 'replace a dataset of the same name' },
    },
    run: remote(async () => (await import('./commands/datasets.js')).datasetsCommand),
  },
  {
    name: 'up',
    summary:
      'The whole system on one machine: signaling server, worker and client; trains the built-in model.',
    usage: 'up [--data-dir DIR] [--port N] [--keep-running] [train flags]',
    flags: {
      ...WATCH_FLAGS,
      'data-dir': {
        type: 'string',
        value: 'DIR',
        description: 'where the worker keeps its store, datasets and models (default ./.trainwire)',
      },
      port: { type: 'string', value: 'N', description: 'signaling port (default: a free one)' },
      'keep-running': {
        type: 'boolean',
        description: 'leave the signaling server and worker up for other clients',
      },
      'cpu-only': { type: 'boolean', description: 'never use a GPU' },
      profile: { type: 'string', value: 'ID', description: 'trainer profile (default builtin)' },
      config: { type: 'string', value: 'FILE', description: 'trainer config, YAML or JSON' },
      preset: {
        type: 'string',
        value: 'NAME',
        description: 'builtin presets: quick (default), standard',
      },
      epochs: { type: 'string', value: 'N', description: 'override the number of epochs' },
      lr: { type: 'string', value: 'RATE', description: 'override the learning rate' },
      'batch-size': { type: 'string', value: 'N', description: 'override the batch size' },
      name: { type: 'string', value: 'NAME', description: 'a name for the run' },
      input: {
        type: 'string',
        multiple: true,
        value: 'ROLE=PATH',
        description: 'an input file on the worker',
      },
      'map-path': {
        type: 'string',
        multiple: true,
        value: 'FROM=TO',
        description: 'rewrite input paths',
      },
      resume: { type: 'string', value: 'CKPT', description: 'checkpoint to resume from' },
      device: { type: 'string', value: 'auto|cpu|gpu', description: 'where the trainer runs' },
      'zmq-publish': {
        type: 'string',
        value: 'ADDR',
        description: 'feed a loss viewer: its progress address',
      },
      'zmq-control': {
        type: 'string',
        value: 'ADDR',
        description: "the loss viewer's control address",
      },
      logs: { type: 'boolean', description: "show the trainer's output lines" },
    },
    run: async () => (await import('./commands/up.js')).upCommand,
  },
  {
    name: 'worker',
    summary: 'Run a worker online in a room until Ctrl-C.',
    usage:
      'worker --url ws://HOST:PORT --room ROOM --key-file FILE --data-dir DIR [--mount NAME=PATH[:rw]] [flags]',
    flags: {
      url: { type: 'string', value: 'URL', description: 'signaling server URL (or TRAINWIRE_URL)' },
      room: { type: 'string', value: 'ROOM', description: 'room to join (or TRAINWIRE_ROOM)' },
      'key-file': {
        type: 'string',
        value: 'FILE',
        description: 'a file (mode 0600) holding the worker API key (or set TRAINWIRE_KEY)',
      },
      key: {
        type: 'string',
        value: 'KEY',
        description:
          'the worker API key itself: visible to local users in /proc; prefer --key-file',
      },
      name: { type: 'string', value: 'NAME', description: 'name shown to clients' },
      'data-dir': {
        type: 'string',
        value: 'DIR',
        description: 'store, runs, checkpoints and uploads',
      },
      mount: {
        type: 'string',
        multiple: true,
        value: 'NAME=PATH[:rw]',
        description: 'a folder clients may use (read-only unless :rw)',
      },
      'max-jobs': { type: 'string', value: 'N', description: 'jobs at once (default 1)' },
      'cpu-only': { type: 'boolean', description: 'never offer a GPU' },
      launcher: {
        type: 'string',
        value: 'local|slurm',
        description:
          "how trainers start: local processes (default) or Slurm jobs (the config's slurm: settings)",
      },
      config: {
        type: 'string',
        value: 'FILE',
        description: 'worker config (YAML/JSON): trainer profiles, mounts, limits, launcher',
      },
    },
    run: async () => (await import('./commands/worker.js')).workerCommand,
  },
  {
    name: 'workers',
    summary: 'List the workers of the room: name, GPU, memory, status.',
    usage: 'workers [--min-gpu-memory MIB]',
    flags: {
      'min-gpu-memory': {
        type: 'string',
        value: 'MIB',
        description: 'only workers with at least this much GPU memory',
      },
    },
    run: async () => (await import('./commands/workers.js')).workersCommand,
  },
  {
    ...CONFORMANCE_COMMAND,
    flags: { ...WORKER_FLAGS, ...CONFORMANCE_COMMAND.flags },
    run: remote(async () => (await import('./commands/conformance.js')).conformanceCommand),
  },
  {
    name: 'browse',
    summary: "List a worker's shared folders, or one folder's files.",
    usage: 'browse [PATH] [--worker NAME] [--offset N] [--limit N]',
    positionals: 'PATH',
    flags: {
      ...WORKER_FLAGS,
      offset: { type: 'string', value: 'N', description: 'skip this many entries (paging)' },
      limit: { type: 'string', value: 'N', description: 'entries per page (default 200)' },
    },
    run: remote(async () => (await import('./commands/browse.js')).browseCommand),
  },
  {
    name: 'resolve-paths',
    summary: 'Find input files on a worker; rank candidates and fix paths (asks at a terminal).',
    usage: 'resolve-paths --input ROLE=PATH… [--map-path FROM=TO] [--worker NAME]',
    flags: {
      ...WORKER_FLAGS,
      input: {
        type: 'string',
        multiple: true,
        value: 'ROLE=PATH',
        description: 'a file as the client names it',
      },
      'map-path': {
        type: 'string',
        multiple: true,
        value: 'FROM=TO',
        description: 'rewrite path prefixes first',
      },
    },
    run: remote(async () => (await import('./commands/resolvePaths.js')).resolvePathsCommand),
  },
  {
    name: 'signal',
    summary: 'Run a signaling server (rooms, keys, presence, WebRTC relay) until Ctrl-C.',
    usage: 'signal [--host 127.0.0.1] [--port 8765] [--data-dir DIR] [--redis redis://HOST:PORT]',
    flags: {
      host: {
        type: 'string',
        value: 'HOST',
        description: 'address to listen on (default 127.0.0.1)',
      },
      port: { type: 'string', value: 'N', description: 'port (default 8765; 0 picks a free one)' },
      'data-dir': {
        type: 'string',
        value: 'DIR',
        description: 'where rooms and hashed keys are kept (default ./.trainwire/signal)',
      },
      redis: {
        type: 'string',
        value: 'URL',
        description:
          'keep rooms, keys, presence and the relay in Redis (redis://HOST:PORT), shared by every instance started with it',
      },
    },
    run: async () => (await import('./commands/signal.js')).signalCommand,
  },
  {
    name: 'rooms',
    summary:
      "Create, list or delete the signaling server's rooms (through the running server, or its store).",
    usage: 'rooms create NAME | rooms list | rooms delete NAME  [--data-dir DIR | --redis URL]',
    positionals: 'create NAME | list | delete NAME',
    flags: {
      'data-dir': { type: 'string', value: 'DIR', description: "the signaling server's data dir" },
      redis: {
        type: 'string',
        value: 'URL',
        description: 'the shared store of instances started with --redis (no instance needed)',
      },
    },
    run: async () => (await import('./commands/signal.js')).roomsCommand,
  },
  {
    name: 'keys',
    summary: 'Issue, list or revoke room tokens (clients) and worker API keys.',
    usage:
      'keys create --room R [--kind room-token|worker-key] [--label L] | keys list --room R | keys revoke ID  [--data-dir DIR | --redis URL]',
    positionals: 'create | list | revoke ID',
    flags: {
      room: { type: 'string', value: 'ROOM', description: 'the room' },
      kind: { type: 'string', value: 'KIND', description: 'room-token (default) or worker-key' },
      label: { type: 'string', value: 'TEXT', description: 'a note to tell keys apart' },
      'data-dir': { type: 'string', value: 'DIR', description: "the signaling server's data dir" },
      redis: {
        type: 'string',
        value: 'URL',
        description: 'the shared store of instances started with --redis (no instance needed)',
      },
    },
    run: async () => (await import('./commands/signal.js')).keysCommand,
  },
  {
    name: 'fetch',
    summary:
      "Download a job's model (or checkpoints, or every file) from its worker, verified by SHA-256.",
    usage: 'fetch JOB [--out DIR] [--kind model|checkpoint|dataset|all] [--worker NAME]',
    positionals: 'JOB',
    flags: {
      ...WORKER_FLAGS,
      out: { type: 'string', value: 'DIR', description: 'where to put the files (default ./JOB)' },
      kind: {
        type: 'string',
        value: 'KIND',
        description:
          'model (default: models, else the last checkpoint), checkpoint, dataset, … or all',
      },
    },
    run: remote(async () => (await import('./commands/fetch.js')).fetchCommand),
  },
  {
    name: 'validate',
    summary:
      'Check a trainer config (YAML or JSON): errors and warnings with field paths; exit 2 on errors.',
    usage: 'validate CONFIG [--profile builtin|sleap-nn]',
    flags: {
      profile: { type: 'string', value: 'ID', description: 'config profile (default builtin)' },
    },
    run: async () => (await import('./commands/validate.js')).validateCommand,
  },
  {
    name: 'env',
    summary: "This machine's GPU summary and readiness, as a worker would report it.",
    usage: 'env [--cpu-only]',
    flags: { 'cpu-only': { type: 'boolean', description: 'report as a CPU-only worker' } },
    run: async () => (await import('./commands/env.js')).envCommand,
  },
  {
    name: 'monitor',
    summary: 'Show progress from any sleap-nn-format ZeroMQ publisher (acts as a loss viewer).',
    usage: 'monitor [tcp://HOST:PORT] [--control tcp://HOST:PORT] [--keep]',
    flags: {
      control: {
        type: 'string',
        value: 'ADDR',
        description: 'where to bind the control PUB (default port 9000)',
      },
      keep: { type: 'boolean', description: 'keep listening after train_end' },
    },
    run: async () => (await import('./commands/monitor.js')).monitorCommand,
  },
  {
    name: 'login',
    summary:
      'Check the signaling URL, room and credential with the server, then store them for later commands (file mode 0600).',
    usage:
      'login --url ws://HOST:PORT --room ROOM --token TOKEN [--role client|worker] [--no-check]',
    flags: {
      url: {
        type: 'string',
        value: 'URL',
        description: 'signaling server URL (or TRAINWIRE_URL)',
      },
      room: { type: 'string', value: 'ROOM', description: 'room to join (or TRAINWIRE_ROOM)' },
      token: {
        type: 'string',
        value: 'TOKEN',
        description: 'room token or worker API key (or TRAINWIRE_TOKEN)',
      },
      role: { type: 'string', value: 'ROLE', description: 'client (default) or worker' },
      'no-check': {
        type: 'boolean',
        description: 'save without asking the signaling server whether it accepts them',
      },
    },
    run: async () => (await import('./commands/login.js')).loginCommand,
  },
  {
    name: 'logout',
    summary: 'Forget the stored credentials.',
    usage: 'logout',
    flags: {},
    run: async () => (await import('./commands/login.js')).logoutCommand,
  },
  {
    name: 'whoami',
    summary: 'Show the stored signaling URL and room.',
    usage: 'whoami',
    flags: {},
    run: async () => (await import('./commands/login.js')).whoamiCommand,
  },
];
