// Light on purpose: the command table imports it, and `trainwire --help` loads nothing heavy.

/**
 * The help and flags of `trainwire conformance` (the worker-choosing flags are added
 * where the command is registered).
 */
export const CONFORMANCE_COMMAND = {
  name: 'conformance',
  summary:
    'Check that a worker speaks the protocol: every method, error codes, ordering, paging, transfers, malformed frames.',
  usage: 'conformance --worker NAME [--only ID,…] [--job-timeout SECONDS] [--json]',
  flags: {
    only: {
      type: 'string',
      value: 'ID,…',
      description: 'run only these checks (ids as the report shows them)',
    },
    'job-timeout': {
      type: 'string',
      value: 'SECONDS',
      description: 'how long the test job may take (120)',
    },
  },
} as const;
