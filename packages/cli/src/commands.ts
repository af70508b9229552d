import type { CommandSpec } from './internal/args.js';

/**
 * Every `trainwire` command. Each one's module is imported only when it runs, so `--help`
 * stays quick and heavy modules (werift, zeromq, SQLite) load only where needed.
 */
export const COMMANDS: readonly CommandSpec[] = [
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
