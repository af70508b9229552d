import type { ConnectionSnapshot } from '@trainwire/core';
import { type ConnectionStore, useConnection } from '../useConnection.js';

const WORDS: Record<ConnectionSnapshot['status'], (worker: string) => string> = {
  connecting: (worker) => `Connecting to worker ${worker}…`,
  open: (worker) => `Connected to worker ${worker}.`,
  reconnecting: (worker) => `Reconnecting to worker ${worker}…`,
  closed: (worker) => `The link to worker ${worker} is closed; Run opens it again.`,
};

/** The panel's line about its link to the worker (core's `ConnectionStatus`). */
export function LinkStatus({ connection }: { connection: ConnectionStore }) {
  const { status, worker } = useConnection(connection);
  return (
    <p role="status" className={`tw-connection tw-connection-${status}`}>
      {WORDS[status](worker)}
    </p>
  );
}
