import { afterEach, describe, expect, it, vi } from 'vitest';

// libdatachannel's settings are process-wide and cannot be read back, so the module is
// replaced by one that records what the backend hands it.
// Each connection's ICE state callback is kept, so a test can say when its checks pass.
const ndc = vi.hoisted(() => ({
  setSctpSettings: vi.fn(),
  configs: [] as Array<Record<string, unknown>>,
  iceStates: [] as Array<(state: string) => void>,
}));
vi.mock('node-datachannel', () => ({
  setSctpSettings: ndc.setSctpSettings,
  PeerConnection: class {
    private described: (sdp: string, type: string) => void = () => undefined;
    constructor(_name: string, config: Record<string, unknown>) {
      ndc.configs.push(config);
    }
    onStateChange() {}
    onIceStateChange(cb: (state: string) => void) {
      ndc.iceStates.push(cb);
    }
    onLocalDescription(cb: (sdp: string, type: string) => void) {
      this.described = cb;
    }
    onLocalCandidate() {}
    onDataChannel() {}
    setRemoteDescription() {}
    setLocalDescription(type: string) {
      this.described('v=0\r\na=setup:passive\r\n', type);
    }
    close() {}
  },
}));

const { createNodeDatachannelBackend, DEFAULT_NDC_SCTP, NDC_ANSWER_HOLD_MS, NDC_LOOPBACK_MTU } =
  await import('./nodeDatachannel.js');

afterEach(() => {
  ndc.setSctpSettings.mockClear();
  ndc.configs.length = 0;
  ndc.iceStates.length = 0;
  vi.useRealTimers();
});

const offer = (setup: string) => ({
  type: 'offer' as const,
  sdp: `v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=setup:${setup}\r\n`,
});

/** Whether `promise` settled within the microtasks queued so far. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(() => (done = true));
  for (let i = 0; i < 10; i++) await Promise.resolve();
  return done;
}

describe('node-datachannel answerer as DTLS server on loopback', () => {
  it('holds its answer until its own ICE checks pass, so the offerer hello finds DTLS up', async () => {
    const backend = await createNodeDatachannelBackend();
    const peer = backend.createPeer({ loopbackOnly: true });
    await peer.answer(offer('active'));
    const ready = peer.answerReady!();
    expect(await settled(ready)).toBe(false);
    ndc.iceStates[0]!('checking');
    expect(await settled(ready)).toBe(false);
    ndc.iceStates[0]!('connected');
    expect(await settled(ready)).toBe(true);
    // Checks passed already: no wait at all.
    expect(await settled(peer.answerReady!())).toBe(true);
    peer.close();
  });

  it(`sends it anyway after ${NDC_ANSWER_HOLD_MS} ms when the checks do not pass`, async () => {
    vi.useFakeTimers();
    const peer = (await createNodeDatachannelBackend()).createPeer({ loopbackOnly: true });
    await peer.answer(offer('active'));
    const ready = peer.answerReady!();
    await vi.advanceTimersByTimeAsync(NDC_ANSWER_HOLD_MS - 1);
    expect(await settled(ready)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(ready)).toBe(true);
    peer.close();
  });

  it('does not hold where it is the DTLS client, or off loopback', async () => {
    const backend = await createNodeDatachannelBackend();
    const client = backend.createPeer({ loopbackOnly: true });
    await client.answer(offer('actpass'));
    expect(await settled(client.answerReady!())).toBe(true);
    const remote = backend.createPeer({});
    await remote.answer(offer('active'));
    expect(await settled(remote.answerReady!())).toBe(true);
    client.close();
    remote.close();
  });
});

describe('the node-datachannel backend applies its settings', () => {
  it("hands libdatachannel trainwire's SCTP windows, not its own 1 MiB ones", async () => {
    await createNodeDatachannelBackend();
    expect(ndc.setSctpSettings).toHaveBeenCalledTimes(1);
    expect(ndc.setSctpSettings).toHaveBeenCalledWith(DEFAULT_NDC_SCTP);
    expect(DEFAULT_NDC_SCTP.recvBufferSize).toBeGreaterThan(1024 * 1024);
    expect(DEFAULT_NDC_SCTP.sendBufferSize).toBeGreaterThan(1024 * 1024);
  });

  it('lays the caller’s SCTP settings over the defaults', async () => {
    await createNodeDatachannelBackend({ sctp: { delayedSackTime: 5, recvBufferSize: 1 << 20 } });
    expect(ndc.setSctpSettings).toHaveBeenCalledWith({
      ...DEFAULT_NDC_SCTP,
      delayedSackTime: 5,
      recvBufferSize: 1 << 20,
    });
  });

  it("keeps libdatachannel's packet size unless `mtu` is given, and passes it to each connection", async () => {
    (await createNodeDatachannelBackend()).createPeer({}).close();
    (await createNodeDatachannelBackend({ mtu: 1400 })).createPeer({}).close();
    expect(ndc.configs[0]).not.toHaveProperty('mtu');
    expect(ndc.configs[1]).toMatchObject({ mtu: 1400, disableAutoNegotiation: true });
  });

  it('sizes a loopback-only connection for what the far end reads, never past its own cap', async () => {
    const backend = await createNodeDatachannelBackend();
    const peers = [
      backend.createPeer({ loopbackOnly: true }),
      backend.createPeer({ loopbackOnly: true, remoteMaxDatagram: 4096 }),
      backend.createPeer({ loopbackOnly: true, remoteMaxDatagram: 2048 }),
      backend.createPeer({ loopbackOnly: true, remoteMaxDatagram: 65_507 }),
      backend.createPeer({ remoteMaxDatagram: 4096 }),
      (await createNodeDatachannelBackend({ mtu: 1400 })).createPeer({
        loopbackOnly: true,
        remoteMaxDatagram: 4096,
      }),
    ];
    for (const peer of peers) peer.close();
    // Nothing said: libdatachannel's default (a browser may drop anything larger).
    expect(ndc.configs[0]).not.toHaveProperty('mtu');
    expect(peers[0]!.sendsDatagramsUpTo).toBeUndefined();
    // A datagram is the MTU less 28 bytes of IPv4 and UDP headers.
    expect(ndc.configs[1]).toMatchObject({ mtu: 4096, bindAddress: '127.0.0.1' });
    expect(peers[1]!.sendsDatagramsUpTo).toBe(4068);
    expect(ndc.configs[2]).toMatchObject({ mtu: 2076 });
    expect(peers[2]!.sendsDatagramsUpTo).toBe(2048);
    expect(ndc.configs[3]).toMatchObject({ mtu: NDC_LOOPBACK_MTU });
    // Off loopback the path's MTU is not known: the far end's buffer does not matter.
    expect(ndc.configs[4]).not.toHaveProperty('mtu');
    // An `mtu` given is the operator's, for the path, and the transport leaves it be.
    expect(ndc.configs[5]).toMatchObject({ mtu: 1400 });
    expect(peers[5]!.sendsDatagramsUpTo).toBeUndefined();
  });
});
