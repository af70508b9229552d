import {
  type JobEvent,
  JobEventHub,
  type JobStore,
  type NewJobEvent,
  type RpcPeer,
} from '@trainwire/core';
import type { WorkerDatabase } from '../store/openDatabase.js';

/**
 * Core's `JobEventHub` with store transactions: events emitted inside
 * {@link WorkerEventHub.transaction} are pushed only once it committed, and never when it
 * rolled back (a full disk fails the commit, not the insert). Without this a client could
 * see numbers the store then gives to other events.
 */
export class WorkerEventHub extends JobEventHub {
  private readonly peers = new Map<string, Set<RpcPeer>>();
  private deferred: JobEvent[] | undefined;

  constructor(
    private readonly jobStore: JobStore,
    private readonly db: WorkerDatabase,
    private readonly clock: () => number,
  ) {
    super(jobStore, clock);
  }

  override emit(jobId: string, event: NewJobEvent): JobEvent {
    const seq = this.jobStore.lastSeq(jobId) + 1;
    const full = Object.assign({ jobId, seq, ts: this.clock() }, event) as JobEvent;
    this.jobStore.appendEvent(full);
    if (this.deferred) this.deferred.push(full);
    else this.push(full);
    return full;
  }

  override attach(jobId: string, peer: RpcPeer): void {
    let peers = this.peers.get(jobId);
    if (peers === undefined) {
      peers = new Set();
      this.peers.set(jobId, peers);
    }
    peers.add(peer);
  }

  override detachPeer(peer: RpcPeer): void {
    for (const peers of this.peers.values()) peers.delete(peer);
  }

  /** Runs `fn` in one store transaction; what it emitted is pushed after the commit. */
  transaction(fn: () => void): void {
    if (this.deferred) {
      fn(); // Nested: the outer transaction pushes.
      return;
    }
    this.deferred = [];
    let committed: JobEvent[];
    try {
      this.db.transaction(fn)();
      committed = this.deferred;
    } finally {
      this.deferred = undefined;
    }
    for (const event of committed) this.push(event);
  }

  private push(event: JobEvent): void {
    const peers = this.peers.get(event.jobId);
    if (peers !== undefined) for (const peer of peers) peer.sendEvent(event);
  }
}
