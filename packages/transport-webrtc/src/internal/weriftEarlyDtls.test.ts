import { afterEach, describe, expect, it } from 'vitest';
import { createNodeDatachannelBackend } from '../backends/nodeDatachannel.js';
import type { RtcPeer } from '../backends/RtcBackend.js';
import { createWeriftBackend } from '../backends/werift.js';
import { keepEarlyDtlsRecords } from './weriftEarlyDtls.js';

/** A werift `Event` as the transports have them: subscribe, execute. */
class FakeEvent<T> {
  private readonly fns = new Set<(value: T) => void>();
  subscribe(fn: (value: T) => void) {
    this.fns.add(fn);
    return { unSubscribe: () => void this.fns.delete(fn) };
  }
  execute(value: T) {
    for (const fn of [...this.fns]) fn(value);
  }
  get listeners() {
    return this.fns.size;
  }
}

/** A werift RTCDtlsTransport's outline: starting makes the session right after `connecting`. */
function fakeDtlsTransport() {
  const onData = new FakeEvent<Buffer>();
  const onStateChange = new FakeEvent<string>();
  const taken: Buffer[] = [];
  const transport = {
    state: 'new',
    onStateChange,
    iceTransport: { connection: { onData } },
    dtls: undefined as undefined | { transport: { socket: { onData: (b: Buffer) => void } } },
    start() {
      transport.state = 'connecting';
      onStateChange.execute('connecting');
      transport.dtls = { transport: { socket: { onData: (b) => taken.push(b) } } };
      onData.subscribe((b) => transport.dtls?.transport.socket.onData(b));
    },
  };
  return { transport, onData, onStateChange, taken };
}

const record = (n: number) => Buffer.from([22, 0xfe, 0xfd, n]); // a handshake record
const stun = Buffer.from([0, 1, 0, 0]);

describe('keepEarlyDtlsRecords', () => {
  it('hands the records that came before DTLS started to it, in order, and only DTLS ones', async () => {
    const { transport, onData, taken } = fakeDtlsTransport();
    keepEarlyDtlsRecords([transport]);
    onData.execute(record(1));
    onData.execute(stun);
    onData.execute(record(2));
    transport.start();
    await Promise.resolve();
    // Records arrive in later ticks than the one DTLS started in: after the kept ones.
    onData.execute(record(3));
    expect(taken.map((b) => b[3])).toEqual([1, 2, 3]);
    // Nothing of it stays subscribed once DTLS runs: the session takes records itself.
    expect(onData.listeners).toBe(1);
  });

  it('keeps at most 16 records, and drops them all when the transport closes before starting', async () => {
    const { transport, onData, onStateChange, taken } = fakeDtlsTransport();
    keepEarlyDtlsRecords([transport]);
    for (let i = 0; i < 20; i++) onData.execute(record(i));
    transport.start();
    await Promise.resolve();
    expect(taken).toHaveLength(16);

    const closing = fakeDtlsTransport();
    keepEarlyDtlsRecords([closing.transport]);
    closing.onData.execute(record(1));
    closing.onStateChange.execute('closed');
    await Promise.resolve();
    expect(closing.onData.listeners).toBe(0);
    expect(closing.onStateChange.listeners).toBe(0);
    expect(onStateChange.listeners).toBe(0);
  });

  it('leaves alone a transport that already started, or whose internals are not there', () => {
    const { transport, onData } = fakeDtlsTransport();
    transport.state = 'connected';
    expect(() => keepEarlyDtlsRecords([transport, {}, { state: 'new' }])).not.toThrow();
    expect(onData.listeners).toBe(0);
  });
});

describe('a werift offerer and a libdatachannel answerer (real peers, one process)', () => {
  const peers: RtcPeer[] = [];
  afterEach(() => {
    for (const peer of peers.splice(0)) peer.close();
  });

  // libdatachannel runs the DTLS client when offered `actpass` and sends its ClientHello once
  // its own ICE is up. With the answer held back, that hello (and its 1 s retransmission)
  // reaches werift before werift has the answer; werift dropped both, and the handshake
  // waited for the retransmission at 3 s. Kept, the handshake ends right after the answer.
  it('completes the DTLS handshake right after the answer, from a ClientHello that came before it', async () => {
    const ndc = await createNodeDatachannelBackend();
    const offerer = createWeriftBackend().createPeer({ loopbackOnly: true });
    const answerer = ndc.createPeer({ loopbackOnly: true });
    peers.push(offerer, answerer);
    // Candidates follow their description (protocol-signaling.md §2); werift keeps the
    // answerer's until it has the answer.
    let toAnswerer: Parameters<RtcPeer['addIceCandidate']>[0][] | undefined = [];
    offerer.onIceCandidate((c) =>
      toAnswerer ? toAnswerer.push(c) : void answerer.addIceCandidate(c),
    );
    answerer.onIceCandidate((c) => void offerer.addIceCandidate(c));
    const channel = offerer.createDataChannel('control', 'trainwire');
    const opened = new Promise<number>((resolve) => channel.onOpen(() => resolve(Date.now())));
    const answer = await answerer.answer(await offerer.createOffer());
    for (const c of toAnswerer.splice(0)) await answerer.addIceCandidate(c);
    toAnswerer = undefined;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const applied = Date.now();
    await offerer.acceptAnswer(answer);
    const afterAnswerMs = (await opened) - applied;
    // Dropped, the next hello comes ~1.5 s after the answer (3 s after the first).
    expect(afterAnswerMs).toBeLessThan(1_000);
  }, 15_000);
});
