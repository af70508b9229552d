import type { RpcPeer } from '@trainwire/core';

/**
 * Waits until every peer answered one round trip, at most `limitMs`. Control messages
 * are ordered, so an answer means everything sent before it has arrived: a closing
 * worker's final events reach its clients before their connections close. The request
 * is `worker.info`, which a client does not serve: its `unknown_method` answer is enough.
 */
export function flushPeers(peers: readonly RpcPeer[], limitMs: number): Promise<void> {
  return within(
    limitMs,
    peers.map((peer) => peer.request('worker.info', {})),
  );
}

/** Closes the peers' transports, waiting at most `limitMs` for them to say so. */
export function closeTransports(peers: readonly RpcPeer[], limitMs: number): Promise<void> {
  return within(
    limitMs,
    peers.map((peer) => peer.transport.close()),
  );
}

async function within(limitMs: number, work: Promise<unknown>[]): Promise<void> {
  if (work.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, limitMs);
  });
  await Promise.race([Promise.allSettled(work), deadline]);
  clearTimeout(timer);
}
