import { filter, map, type Observable } from 'rxjs';
import type { SignalingClient } from '../SignalingClient.js';
import type { LinkSignals } from '../WebRtcTransport.js';
import { type LinkSignal, LinkSignalSchema, WIRE_VERSION } from './wireFrames.js';

/** Signals of one link, parsed from a signaling client's relayed messages. */
export function linkSignalsFrom(
  signaling: SignalingClient,
): Observable<{ from: string; signal: LinkSignal }> {
  return signaling.signals$.pipe(
    map(({ from, data }) => {
      const parsed = LinkSignalSchema.safeParse(data);
      return parsed.success ? { from, signal: parsed.data } : undefined;
    }),
    filter((x): x is { from: string; signal: LinkSignal } => x !== undefined),
  );
}

/** The link `link` to peer `remote` over `signaling`. */
export function linkSignalsOver(
  signaling: SignalingClient,
  remote: string,
  link: string,
): LinkSignals {
  return {
    send: (signal) => signaling.signal(remote, { v: WIRE_VERSION, link, ...signal }),
    inbound$: linkSignalsFrom(signaling).pipe(
      filter(({ from, signal }) => from === remote && signal.link === link),
      map(({ signal }) => signal),
    ),
  };
}
