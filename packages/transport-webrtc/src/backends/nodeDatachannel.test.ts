import { afterEach, describe, expect, it, vi } from 'vitest';

// libdatachannel's settings are process-wide and cannot be read back, so the module is
// replaced by one that records what the backend hands it.
const ndc = vi.hoisted(() => ({
  setSctpSettings: vi.fn(),
  configs: [] as Array<Record<string, unknown>>,
}));
vi.mock('node-datachannel', () => ({
  setSctpSettings: ndc.setSctpSettings,
  PeerConnection: class {
    constructor(_name: string, config: Record<string, unknown>) {
      ndc.configs.push(config);
    }
    onStateChange() {}
    onLocalDescription() {}
    onLocalCandidate() {}
    onDataChannel() {}
    close() {}
  },
}));

const { createNodeDatachannelBackend, DEFAULT_NDC_SCTP, NDC_LOOPBACK_MTU } = await import(
  './nodeDatachannel.js'
);

afterEach(() => {
  ndc.setSctpSettings.mockClear();
  ndc.configs.length = 0;
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
