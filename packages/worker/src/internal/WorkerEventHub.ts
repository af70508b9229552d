import {
  type JobEvent,
  JobEventHub,
  type JobStore,
  type NewJobEvent,
  type RpcPeer,
} from '@trainwire/core';
import type { WorkerDatabase } from '../store/openDatabase.js';

/** How much history one turn of a replay sends (it yields between pages). */
const REPLAY_PAGE_BYTES = 256 * 1024;

/**
 * Core's `JobEventHub` with store transactions: events emitted inside
 * {@link WorkerEventHub.transaction} are pushed only once it committed, and never when it
 * rolled back (a full disk fails the commit, not the insert). Without this a client could
 * see numbers the store then gives to other events.
 */
export class WorkerEventHub extends JobEventHub {
  private readonly peers = new Map<string, Set<RpcPeer>>();
  /** Replays in progress: per peer, the job and the token of its latest attach. */
  private readonly replaying = new Map<RpcPeer, Map<string, symbol>>();
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

  /**
   * Pushes the job's future events to `peer`. With `afterSeq`, first the stored events
   * after it, in order, a page per turn of the event loop (after the answer to the
   * request went out); live pushes start once the replay caught up, in the same turn, so
   * every event after `afterSeq` reaches the peer once and in `seq` order. Attaching again
   * starts over from the new `afterSeq`.
   */
  override attach(jobId: string, peer: RpcPeer, afterSeq?: number): void {
    if (afterSeq === undefined) {
      if (this.replaying.get(peer)?.has(jobId)) return; // it goes live when the replay ends
      this.live(jobId).add(peer);
      return;
    }
    this.peers.get(jobId)?.delete(peer);
    const token = Symbol(jobId);
    let replays = this.replaying.get(peer);
    if (replays === undefined) {
      replays = new Map();
      this.replaying.set(peer, replays);
    }
    replays.set(jobId, token);
    let after = afterSeq;
    const step = () => {
      // Attached again, or the connection closed (detachPeer dropped its replays).
      if (this.replaying.get(peer)?.get(jobId) !== token) return;
      const page = this.page(jobId, after, undefined, REPLAY_PAGE_BYTES);
      for (const event of page.events) {
        peer.sendEvent(event);
        after = event.seq;
      }
      if (page.more) {
        setImmediate(step);
        return;
      }
      replays.delete(jobId);
      this.live(jobId).add(peer);
    };
    setImmediate(step);
  }

  override detachPeer(peer: RpcPeer): void {
    for (const peers of this.peers.values()) peers.delete(peer);
    this.replaying.delete(peer);
  }

  private live(jobId: string): Set<RpcPeer> {
    let peers = this.peers.get(jobId);
    if (peers === undefined) {
      peers = new Set();
      this.peers.set(jobId, peers);
    }
    return peers;
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
