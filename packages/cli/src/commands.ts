import type { CommandSpec, FlagSpec } from './internal/args.js';

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
};

/** Loads a remote command with the default connection (signaling server + WebRTC). */
function remote<D>(
  load: () => Promise<
    (
      args: import('./internal/args.js').ParsedArgs,
      io: import('./Io.js').Io,
      deps: D & { connect: import('./internal/Connection.js').Connect },
    ) => Promise<number>
  >,
) {
  return async () => {
    const [command, { defaultConnect }] = await Promise.all([
      load(),
      import('./internal/defaultConnect.js'),
    ]);
    return (args: import('./internal/args.js').ParsedArgs, io: import('./Io.js').Io) =>
      command(args, io, { connect: defaultConnect(io) } as D & {
        connect: import('./internal/Connection.js').Connect;
      });
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
      ...WORKER_FLAGS,
      profile: {
        type: 'string',
        value: 'ID',
        description: 'trainer profile: builtin (default), sleap-nn, or one the worker declares',
      },
      config: { type: 'string', value: 'FILE', description: 'trainer config, YAML or JSON' },
      preset: { type: 'string', value: 'NAME', description: 'builtin presets: quick, standard' },
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
    summary: 'Store the signaling URL, room and credential for later commands (file mode 0600).',
    usage: 'login --url ws://HOST:PORT --room ROOM --token TOKEN [--role client|worker]',
    flags: {
      url: { type: 'string', value: 'URL', description: 'signaling server URL' },
      room: { type: 'string', value: 'ROOM', description: 'room to join' },
      token: {
        type: 'string',
        value: 'TOKEN',
        description: 'room token or worker API key (or TRAINWIRE_TOKEN)',
      },
      role: { type: 'string', value: 'ROLE', description: 'client (default) or worker' },
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
