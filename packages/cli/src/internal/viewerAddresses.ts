import { UsageError } from '../errors.js';
import { type ParsedArgs, stringFlag } from './args.js';

/** The loss viewer's addresses, from `--zmq-publish` / `--zmq-control`. */
export interface ViewerAddresses {
  publishAddress?: string;
  controlAddress?: string;
}

const FLAGS = { publishAddress: 'zmq-publish', controlAddress: 'zmq-control' } as const;

/**
 * Checks `--zmq-publish` and `--zmq-control` with bridge-zmq's own endpoint rule before
 * anything connects or starts, so a bad address is a usage error (exit 2) and no job is
 * left running without its viewer. bridge-zmq (and ZeroMQ) load only when a flag is given.
 */
export async function viewerAddresses(args: ParsedArgs): Promise<ViewerAddresses> {
  const given = Object.entries(FLAGS).flatMap(([key, flag]) => {
    const value = stringFlag(args, flag);
    return value === undefined ? [] : [[key, flag, value] as const];
  });
  if (given.length === 0) return {};
  const { EndpointSchema } = await import('@trainwire/bridge-zmq');
  const addresses: ViewerAddresses = {};
  for (const [key, flag, value] of given) {
    if (!EndpointSchema.safeParse(value).success) {
      throw new UsageError(
        `--${flag} must be a ZeroMQ address such as tcp://127.0.0.1:9001 (tcp://HOST:PORT with a port from 0 to 65535, ipc://PATH or inproc://NAME); got "${value}"`,
      );
    }
    addresses[key as keyof ViewerAddresses] = value;
  }
  return addresses;
}
