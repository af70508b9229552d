import type { ModelVersion, RpcPeer } from '@trainwire/core';

/**
 * The connections of one worker that subscribed to its notices (`model.subscribe`), and
 * the push of `model.activated` to each of them. A connection that closed is dropped the
 * next time a notice goes out.
 */
export class ModelNotices {
  private readonly peers = new Set<RpcPeer>();

  /** Adds a connection; subscribing twice is one subscription. */
  add(peer: RpcPeer): void {
    this.peers.add(peer);
  }

  /** How many connections are subscribed (closed ones not yet dropped included). */
  get size(): number {
    return this.peers.size;
  }

  /** Pushes `model.activated` to every open subscribed connection. */
  activated(model: ModelVersion, previousVersion?: number): void {
    for (const peer of this.peers) {
      if (peer.disposed) {
        this.peers.delete(peer);
        continue;
      }
      peer.sendNotice({
        type: 'model.activated',
        model,
        ...(previousVersion === undefined ? {} : { previousVersion }),
      });
    }
  }
}

const byWorker = new WeakMap<object, ModelNotices>();

/** The notices of the worker whose parts are `owner` (one per worker, made on first use). */
export function modelNoticesOf(owner: object): ModelNotices {
  let notices = byWorker.get(owner);
  if (!notices) {
    notices = new ModelNotices();
    byWorker.set(owner, notices);
  }
  return notices;
}
