import { ConnectionError } from '../errors.js';
import type { Io } from '../Io.js';
import type { Connect } from './Connection.js';

/** The default connection: the signaling server from `trainwire login`, then WebRTC. */
export function defaultConnect(_io: Io): Connect {
  return async () => {
    throw new ConnectionError('connecting to workers over WebRTC is not wired into the CLI yet');
  };
}
