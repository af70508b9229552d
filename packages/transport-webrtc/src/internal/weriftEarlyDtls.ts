// werift drops the DTLS records that reach an offerer before it has applied the answer:
// its DTLS transport subscribes to the ICE connection only when it starts, after the
// answer is applied and ICE is up. An answerer that runs the DTLS client (libdatachannel,
// offered `actpass`) sends its ClientHello as soon as its own ICE checks succeed, often
// before the answer has crossed the signaling server, so the handshake waited out DTLS's
// 1 s retransmission. This keeps those records and hands them to the DTLS transport once
// it has started. werift internals are reached by duck typing, as in weriftSctp.ts; if
// they are not where expected, nothing is kept and werift behaves as shipped.

/** A werift `Event`: what `subscribe` gives back. */
interface Subscription {
  unSubscribe(): void;
}
interface EventLike<T> {
  subscribe(fn: (value: T) => void): Subscription;
}
/** The parts of werift's RTCDtlsTransport this touches. */
interface DtlsTransportInternals {
  state?: string;
  onStateChange?: EventLike<string>;
  iceTransport?: { connection?: { onData?: EventLike<Buffer> } };
  /** The DTLS session, made when the transport starts; its socket takes records. */
  dtls?: { transport?: { socket?: { onData?: (record: Buffer) => void } } };
}

/** Records kept per transport at most: a ClientHello flight is one to four. */
const MAX_KEPT = 16;

/** DTLS content types (RFC 9147 §4.1's demultiplexing range: first byte 20–63). */
const isDtlsRecord = (data: Buffer) => data.length > 0 && data[0]! >= 20 && data[0]! <= 63;

/**
 * Keeps the DTLS records each of `dtlsTransports` receives before it starts, and hands
 * them to it once it has: call it on an offerer right after `setLocalDescription(offer)`.
 * Records are kept until the transport starts or closes; at most 16.
 */
export function keepEarlyDtlsRecords(dtlsTransports: readonly unknown[]): void {
  for (const transport of dtlsTransports as DtlsTransportInternals[]) {
    const onData = transport.iceTransport?.connection?.onData;
    const onState = transport.onStateChange;
    if (transport.state !== 'new' || !onData || !onState) continue;
    const kept: Buffer[] = [];
    const keeping = onData.subscribe((data) => {
      if (transport.dtls === undefined && isDtlsRecord(data) && kept.length < MAX_KEPT)
        kept.push(data);
    });
    const watching = onState.subscribe((state) => {
      if (state === 'new') return;
      keeping.unSubscribe();
      watching.unSubscribe();
      if (state !== 'connecting') return;
      // `start()` makes the DTLS session right after it says `connecting`, in the same
      // tick: hand the records over once it exists.
      queueMicrotask(() => {
        const take = transport.dtls?.transport?.socket?.onData;
        if (typeof take !== 'function') return;
        for (const record of kept.splice(0)) take(record);
      });
    });
  }
}
