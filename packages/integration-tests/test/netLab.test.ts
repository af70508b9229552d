import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFault } from './faultRecord.js';
import { createNetLab, type NetLab } from './netLab.js';
import type { TrackedProcess } from './trackedProcess.js';

const PROBE = fileURLToPath(new URL('./fixtures/netProbe.mjs', import.meta.url));
const node = process.execPath;

describe('the link impairer: two namespaces and a relay of ours between them', () => {
  let lab: NetLab;
  let echo: TrackedProcess;
  let sink: TrackedProcess;

  beforeAll(async () => {
    lab = await createNetLab();
    echo = lab.spawn(lab.a, node, [PROBE, 'tcp-server', '7000']);
    sink = lab.spawn(lab.a, node, [PROBE, 'udp-sink', '7001']);
    await echo.waitForLine(/listening/);
    await sink.waitForLine(/listening/);
  });

  afterAll(async () => {
    await lab?.close();
  });

  const probe = async (...args: string[]) => {
    const result = await lab.exec(lab.b, node, [PROBE, ...args]);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout.trim().split('\n').at(-1)!);
  };

  it('B reaches A only across the link, and TCP moves data through it', async (context) => {
    const scenario = recordFault(context, {
      id: 'lab-throughput',
      group: '0 link impairer',
      fault: 'none (clean link)',
      tried: '8 MiB over TCP from ns B to ns A and echoed back',
    });
    const { mibPerSec } = await probe('tcp-throughput', lab.a.address, '7000', '8');
    scenario.measure('MiB/s', mibPerSec);
    const stats = await lab.stats();
    expect(stats.bToA.bytes).toBeGreaterThan(8 * 1024 * 1024);
    expect(stats.aToB.bytes).toBeGreaterThan(8 * 1024 * 1024);
    expect(mibPerSec).toBeGreaterThan(0.5);
    // Nothing else: the namespaces have no other route.
    const routes = await lab.exec(lab.b, 'ip', ['route']);
    expect(routes.stdout.trim()).toBe('10.77.0.0/24 dev tw0 proto kernel scope link src 10.77.0.2');
    scenario.saw(`${mibPerSec.toFixed(1)} MiB/s each way; the only route is the link`);
  });

  it('a delay shows in every round trip: RTT ≥ 2 × delay', async (context) => {
    const scenario = recordFault(context, {
      id: 'lab-delay',
      group: '0 link impairer',
      fault: '50 ms delay each way',
      tried: '20 one-byte TCP round trips B → A → B',
    });
    await lab.set({ delayMs: 50 });
    const { rttMs } = (await probe('tcp-rtt', lab.a.address, '7000', '20')) as { rttMs: number[] };
    await lab.set({ delayMs: 0 });
    const sorted = [...rttMs].sort((x, y) => x - y);
    scenario.measure('min RTT ms', sorted[0]!);
    scenario.measure('median RTT ms', sorted[10]!);
    expect(sorted[0]).toBeGreaterThanOrEqual(100);
    expect(sorted[10]).toBeLessThan(200);
    scenario.saw(`RTT ${sorted[0]!.toFixed(0)}–${sorted.at(-1)!.toFixed(0)} ms`);
  });

  it('a loss rate drops about that share of packets', async (context) => {
    const scenario = recordFault(context, {
      id: 'lab-loss',
      group: '0 link impairer',
      fault: '10 % loss',
      tried: '2000 UDP datagrams B → A',
    });
    await lab.set({ loss: 0.1 });
    const before = JSON.parse(sink.stdout().trim().split('\n').at(-1)!).received as number;
    await probe('udp-send', lab.a.address, '7001', '2000');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await lab.set({ loss: 0 });
    const after = JSON.parse(sink.stdout().trim().split('\n').at(-1)!).received as number;
    const lostShare = 1 - (after - before) / 2000;
    scenario.measure('lost share', lostShare);
    expect(lostShare).toBeGreaterThan(0.06);
    expect(lostShare).toBeLessThan(0.14);
    scenario.saw(`${(lostShare * 100).toFixed(1)} % of datagrams lost`);
  });

  it('down stops all traffic until up, and TCP carries on after', async (context) => {
    const scenario = recordFault(context, {
      id: 'lab-down',
      group: '0 link impairer',
      fault: 'link down for 3 s',
      tried: 'a TCP round trip every 100 ms for 6 s, the link down from 1 s to 4 s',
    });
    const ping = lab.spawn(lab.b, node, [PROBE, 'tcp-ping', lab.a.address, '7000', '6']);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const downAt = await lab.down();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const during = await lab.stats();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await lab.up();
    await ping.exited;
    const result = JSON.parse(ping.stdout().trim().split('\n').at(-1)!) as {
      sent: number;
      answered: number;
      longestGapMs: number;
    };
    scenario.measure('longest gap ms', result.longestGapMs);
    expect(during.aToB.forwarded).toBe(downAt.aToB.forwarded);
    expect(during.bToA.forwarded).toBe(downAt.bToA.forwarded);
    expect(during.bToA.droppedDown).toBeGreaterThan(downAt.bToA.droppedDown);
    expect(result.longestGapMs).toBeGreaterThan(2_900);
    // TCP retransmits what was lost: every byte is answered in the end.
    expect(result.answered).toBe(result.sent);
    scenario.saw(
      `nothing forwarded while down; TCP resumed after ${(result.longestGapMs / 1000).toFixed(1)} s`,
    );
  });
});
