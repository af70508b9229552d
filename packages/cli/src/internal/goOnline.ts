import type { OnlineWorker, ServableWorker } from '@trainwire/transport-webrtc';
import { asConnectionError } from './asConnectionError.js';

export type { OnlineWorker };

/**
 * Puts `worker` online in a room (transport-webrtc's `goOnline`); a room it cannot join is
 * exit 3.
 */
export async function goOnline(
  worker: ServableWorker,
  options: { url: string; room: string; credential: string; log?: (line: string) => void },
): Promise<OnlineWorker> {
  const webrtc = await import('@trainwire/transport-webrtc');
  const { url, ...rest } = options;
  return webrtc.goOnline(worker, { signalingUrl: url, ...rest }).catch(asConnectionError);
}
