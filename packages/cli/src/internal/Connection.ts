import type { Transport, WorkerInfo } from '@trainwire/core';

/** An open link to one worker. */
export interface Connection {
  transport: Transport;
  worker: WorkerInfo;
  /** The worker key id the signaling server attests for it, when known. */
  keyId?: string;
  close(): Promise<void>;
}

/** How a command picks its worker. */
export interface ConnectOptions {
  /** Worker name (or peer id). */
  worker?: string;
  autoSelect?: boolean;
  minGpuMemoryMiB?: number;
  /**
   * Only the worker registered with this worker key id (as the signaling server attests
   * it): a worker claiming another's name or GPU cannot stand in for it.
   */
  keyId?: string;
}

/** Opens a connection to a worker; the default goes through the signaling server, tests pass their own. */
export type Connect = (options: ConnectOptions) => Promise<Connection>;

/** What a command that talks to a worker needs from outside: how to reach it. */
export interface RemoteDeps {
  connect: Connect;
  /** The names of the room's workers online now (`--all-workers`); absent without a room. */
  listWorkers?: () => Promise<string[]>;
}
