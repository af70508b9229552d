import type { Transport, WorkerInfo } from '@trainwire/core';
import { createWorkerEndpoint } from '../createWorkerEndpoint.js';
import { TransportWebrtcError } from '../errors.js';
import { SignalingClient } from '../SignalingClient.js';
import { isLoopbackUrl } from './isLoopbackUrl.js';
import { codeOf } from './joinRoom.js';
import type { RoomCredentials } from './RoomCredentials.js';

/**
 * What {@link goOnline} needs of a worker (`@trainwire/worker`'s `Worker` is one): what it
 * says about itself, and serving one client's link as that client.
 */
export interface ServableWorker {
  info(): WorkerInfo;
  accept(
    transport: Transport,
    identity: { credentialId: string; role: 'client'; name?: string },
  ): unknown;
}

/** Options of {@link goOnline}. */
export interface GoOnlineOptions extends RoomCredentials {
  /** How often the worker's status (available/busy) is re-announced when it changed, ms (1 000). */
  statusEveryMs?: number;
  /** Where the worker says what happened to its links (a revoked credential); stderr-like. */
  log?: (line: string) => void;
}

/** A worker reachable through a signaling server. */
export interface OnlineWorker {
  /** Leaves the room and closes every client's link (the worker itself stays open). */
  close(): Promise<void>;
}

/**
 * Registers `worker` in a room of the signaling server with its worker key and serves
 * every client that connects over WebRTC, each as the identity the server attests (a link
 * without one is refused); keeps its status (available/busy) current for pickers.
 * Rejects with a `TransportWebrtcError` naming the worker, room and server when it cannot
 * join.
 *
 * @example
 * ```ts
 * const online = await goOnline(worker, { signalingUrl: url, room: 'lab', credential: workerKey });
 * // … later
 * await worker.close();
 * await online.close();
 * ```
 */
export async function goOnline(
  worker: ServableWorker,
  options: GoOnlineOptions,
): Promise<OnlineWorker> {
  const info = worker.info();
  const signaling = new SignalingClient({
    url: options.signalingUrl,
    urls: options.signalingUrls,
    room: options.room,
    role: 'worker',
    credential: options.credential,
    name: info.name,
    info,
  });
  try {
    await signaling.connect();
  } catch (error) {
    await signaling.close().catch(() => undefined);
    throw new TransportWebrtcError(
      codeOf(error),
      `worker ${info.name} cannot join room ${options.room} at ${options.signalingUrl}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const endpoint = createWorkerEndpoint({
    signaling,
    rtc: { loopbackOnly: isLoopbackUrl(options.signalingUrl) },
  });
  const connections = endpoint.connections$.subscribe((transport) => {
    // The identity the signaling server stamped on the link decides what the client may
    // do; a link without one would get the local mode's full rights, so it is refused.
    const remote = transport.remote;
    if (remote === undefined || remote.role !== 'client') {
      options.log?.(`${new Date().toISOString()} refused a link with no attested client identity`);
      void transport.close();
      return;
    }
    worker.accept(transport, {
      credentialId: remote.credentialId,
      role: remote.role,
      ...(remote.name === undefined ? {} : { name: remote.name }),
    });
  });
  const revocations = endpoint.revoked$.subscribe(({ remote, credentialId, own }) => {
    const who = `${remote.name ?? remote.peerId} (credential ${remote.credentialId})`;
    options.log?.(
      own
        ? `${new Date().toISOString()} this worker's key ${credentialId} was revoked: closed the link from ${who}`
        : `${new Date().toISOString()} closed the link from ${who}: credential ${credentialId} was revoked`,
    );
  });
  let status = info.status;
  const timer = setInterval(() => {
    const now = worker.info();
    if (now.status === status) return;
    status = now.status;
    signaling.update({ status: now.status, info: now }).catch(() => undefined);
  }, options.statusEveryMs ?? 1_000);
  // Node: the announcements never keep the process alive (a browser has no unref).
  (timer as { unref?: () => void }).unref?.();
  return {
    close: async () => {
      clearInterval(timer);
      connections.unsubscribe();
      revocations.unsubscribe();
      await endpoint.close();
      await signaling.close();
    },
  };
}
