import { filter, map, type Observable } from 'rxjs';
import type { SignalingClient } from '../SignalingClient.js';
import type { RemotePeer } from '../signalingMessages.js';
import type { LinkSignals } from '../WebRtcTransport.js';
import { type LinkSignal, LinkSignalSchema, WIRE_VERSION } from './wireFrames.js';

/** A link signal, with its sender as the server stamped it. */
export interface StampedLinkSignal {
  from: string;
  sender: RemotePeer;
  signal: LinkSignal;
}

/** Signals of one link, parsed from a signaling client's relayed messages. */
export function linkSignalsFrom(signaling: SignalingClient): Observable<StampedLinkSignal> {
  return signaling.signals$.pipe(
    map(({ from, data, sender }) => {
      const parsed = LinkSignalSchema.safeParse(data);
      return parsed.success ? { from, sender, signal: parsed.data } : undefined;
    }),
    filter((x): x is StampedLinkSignal => x !== undefined),
  );
}

/**
 * The link `link` to `remote` over `signaling`: only signals from its peer id *and* its
 * credential count, so a link stays bound to the credential that answered it.
 */
export function linkSignalsOver(
  signaling: SignalingClient,
  remote: RemotePeer,
  link: string,
): LinkSignals {
  return {
    send: (signal) => signaling.signal(remote.peerId, { v: WIRE_VERSION, link, ...signal }),
    inbound$: linkSignalsFrom(signaling).pipe(
      filter(
        ({ from, sender, signal }) =>
          from === remote.peerId &&
          sender.credentialId === remote.credentialId &&
          signal.link === link,
      ),
      map(({ signal }) => signal),
    ),
  };
}
