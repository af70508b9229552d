import type { Worker } from '@trainwire/worker';
import { ConnectionError } from '../errors.js';
import { isLocalUrl } from './defaultConnect.js';

/** A worker reachable through a signaling server. */
export interface OnlineWorker {
  close(): Promise<void>;
}

/**
 * Registers `worker` in a room of the signaling server and serves every client that
 * connects over WebRTC; keeps its status (available/busy) current for pickers.
 */
export async function goOnline(
  worker: Worker,
  options: {
    url: string;
    room: string;
    credential: string;
    statusEveryMs?: number;
    /** Where the worker says what happened to its links (a revoked credential); stderr-like. */
    log?: (line: string) => void;
  },
): Promise<OnlineWorker> {
  const webrtc = await import('@trainwire/transport-webrtc');
  const info = worker.info();
  const signaling = new webrtc.SignalingClient({
    url: options.url,
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
    throw new ConnectionError(
      `worker ${info.name} cannot join room ${options.room} at ${options.url}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const endpoint = webrtc.createWorkerEndpoint({
    signaling,
    rtc: { loopbackOnly: isLocalUrl(options.url) },
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
  timer.unref();
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
