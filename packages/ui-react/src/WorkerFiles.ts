import type { RpcPeer } from '@trainwire/core';

/**
 * What the path dialog's Browse asks of the worker: `mounts.list` and `paths.list` over
 * core's protocol. `manager.peerFor(transport)` (the job's `RpcPeer`) is one.
 */
export type WorkerFiles = Pick<RpcPeer, 'request'>;
