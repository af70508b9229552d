/**
 * The offer as sent: `a=setup:active` instead of `actpass`, so the offerer runs the DTLS
 * client. An answerer asked `actpass` picks `active` (libdatachannel does) and starts DTLS
 * the moment its own ICE checks succeed — before the offerer has even applied the answer,
 * so the offerer drops that ClientHello and the handshake waits out DTLS's 1 s
 * retransmission (measured: werift → node-datachannel connects took 1.0 s instead of
 * 0.1 s). The offerer's ICE completes last, so its ClientHello finds the far end ready.
 * Only the sent copy changes: the offerer's own description stays `actpass`, and it takes
 * whichever role the answer leaves it (werift answers `active` whatever it is offered).
 * The node-datachannel backend uses it; werift's offerer does not, as werift as the DTLS
 * client of its own offer never finished the handshake with libdatachannel; a werift
 * offerer keeps the early ClientHello instead (weriftEarlyDtls.ts).
 */
export function offerAsDtlsClient(sdp: string): string {
  return sdp.replace('a=setup:actpass', 'a=setup:active');
}
