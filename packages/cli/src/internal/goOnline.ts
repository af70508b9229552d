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
  options: { url: string; room: string; credential: string; statusEveryMs?: number },
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
  const connections = endpoint.connections$.subscribe((transport) => worker.accept(transport));
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
      await endpoint.close();
      await signaling.close();
    },
  };
}
