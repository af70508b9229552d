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

const { createNodeDatachannelBackend, DEFAULT_NDC_SCTP } = await import('./nodeDatachannel.js');

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
});
