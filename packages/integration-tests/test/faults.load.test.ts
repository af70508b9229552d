import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultLab, type FaultLab, smallConfig } from './faultLab.js';
import { type FaultScenario, recordFault } from './faultRecord.js';
import { rssMiB } from './faultSteps.js';
import { epochsOf, parseNdjson, range } from './jobEvents.js';
import type { TrackedProcess } from './trackedProcess.js';

const FUZZ = fileURLToPath(new URL('./fixtures/fuzzPeers.mjs', import.meta.url));
const WORKERS = ['w1', 'w2', 'w3', 'w4', 'w5'];
const LISTERS = 12;
const ROUNDS = 3;
/** Growth of resident memory over the rounds after the first (which warms up) that counts as a leak. */
const LEAK_MIB = 40;

interface Fuzzed {
  sent: number;
  errorReplies: number;
  answers: boolean;
  [key: string]: number | boolean;
}

describe('fault: many clients and workers on one signaling server, and fuzzed messages', () => {
  let lab: FaultLab;
  const extra: TrackedProcess[] = [];

  beforeAll(async () => {
    lab = await createFaultLab({ epochPauseMs: 100 });
    for (const name of WORKERS.slice(1))
      extra.push(await lab.spawnWorker({ name, dataDir: join(lab.dir, `worker-${name}`) }));
  }, 120_000);

  afterAll(async () => {
    await lab?.close();
  });

  const everyoneUp = () => {
    expect(lab.signal.running(), 'the signaling server died').toBe(true);
    for (const worker of [lab.worker, ...extra])
      expect(worker.running(), `a worker died:\n${worker.stderr().slice(-800)}`).toBe(true);
  };

  const fuzz = async (
    scenario: FaultScenario,
    mode: 'signaling' | 'relay' | 'control',
    seed: number,
  ): Promise<Fuzzed> => {
    const proc = lab.net.spawn(lab.net.b, process.execPath, [
      FUZZ,
      mode,
      lab.url,
      'lab',
      lab.token,
      'w1',
      String(seed),
    ]);
    const { code } = await proc.exited;
    expect(code, proc.stderr().slice(-1500)).toBe(0);
    const counts = JSON.parse(proc.stdout().trim().split('\n').at(-1)!) as Fuzzed;
    for (const [key, value] of Object.entries(counts))
      if (typeof value === 'number') scenario.measure(`round ${seed} ${key}`, value);
    return counts;
  };

  /** Measures w1's resident memory now against `before` (MiB). */
  const measureW1Rss = (scenario: FaultScenario, before: number) =>
    scenario.measure(
      'w1 RSS MiB (before → after)',
      `${before.toFixed(1)} → ${rssMiB(lab.worker.pid).toFixed(1)}`,
    );

  /** Three clients connect to w1 over WebRTC (`jobs`) at once; the failures, if any. */
  const connectToW1 = async () => {
    const runs = await Promise.all([1, 2, 3].map(() => lab.clientRun(['jobs', '--worker', 'w1'])));
    return runs.filter((r) => r.code !== 0).map((r) => `exit ${r.code}: ${r.stderr.trim()}`);
  };

  it('5 workers, 12 listing clients and 5 jobs at once, 3 rounds: every listing and job completes, memory stable', async (context) => {
    const scenario = recordFault(context, {
      id: 'j1-many-peers',
      group: '5 load',
      fault:
        'many peers at once: 5 workers in one room; per round 12 `workers` and 5 `train` clients started together',
      tried:
        '3 rounds; every `train` 3 epochs on its own worker; RSS of the server and of w1 after each round',
    });
    const config = lab.writeConfig('load.json', smallConfig(3));
    const rss: Array<{ signal: number; worker: number }> = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const started = Date.now();
      const [listed, trained] = await Promise.all([
        Promise.all(Array.from({ length: LISTERS }, () => lab.clientRun(['workers', '--json']))),
        Promise.all(
          WORKERS.map((name) =>
            lab.clientRun([
              'train',
              '--worker',
              name,
              '--profile',
              'paced',
              '--config',
              config,
              '--json',
            ]),
          ),
        ),
      ]);
      scenario.measure(`round ${round} s`, (Date.now() - started) / 1000);
      trained.forEach((result, index) => {
        if (result.code !== 0)
          scenario.saw(
            `round ${round}: the job on ${WORKERS[index]} exited ${result.code}: ${result.stderr.trim().slice(0, 200)}`,
          );
      });
      for (const result of listed) {
        expect(result.code, result.stderr).toBe(0);
        for (const name of WORKERS) expect(result.stdout).toContain(`"${name}"`);
      }
      for (const result of trained) {
        expect(result.code, result.stderr).toBe(0);
        expect(epochsOf(parseNdjson(result.stdout)), result.stdout.slice(-1000)).toEqual(
          range(0, 2),
        );
      }
      everyoneUp();
      rss.push({ signal: rssMiB(lab.signal.pid), worker: rssMiB(lab.worker.pid) });
    }
    const first = rss[0]!;
    const last = rss.at(-1)!;
    scenario.measure(
      'server RSS MiB (round 1 → 3)',
      `${first.signal.toFixed(1)} → ${last.signal.toFixed(1)}`,
    );
    scenario.measure(
      'w1 RSS MiB (round 1 → 3)',
      `${first.worker.toFixed(1)} → ${last.worker.toFixed(1)}`,
    );
    scenario.saw(
      `all ${ROUNDS * WORKERS.length} jobs and ${ROUNDS * LISTERS} listings completed; the server and the 5 workers stayed up`,
    );
    expect(last.signal - first.signal).toBeLessThan(LEAK_MIB);
    expect(last.worker - first.worker).toBeLessThan(LEAK_MIB);
  }, 300_000);

  it('fuzzed signaling messages on 20 raw connections, 3 rounds: the server answers every one with an error, stays up, and its memory is stable', async (context) => {
    const scenario = recordFault(context, {
      id: 'j2-fuzz-signaling',
      group: '5 load',
      fault: 'malformed signaling messages',
      tried:
        '3 rounds of 1600 messages on 20 raw WebSockets under the rate limit (non-JSON, random JSON, 100 KB, binary, near misses of every type; 5 connections cut mid-frame); then `workers` and 3 WebRTC connections to w1',
    });
    const rounds: Fuzzed[] = [];
    const rss: number[] = [];
    for (const seed of [1, 2, 3]) {
      rounds.push(await fuzz(scenario, 'signaling', seed));
      rss.push(rssMiB(lab.signal.pid));
    }
    // The first round warms the server up; a leak goes on growing.
    const [before, , after] = rss as [number, number, number];
    const listed = await lab.clientRun(['workers', '--json']);
    const failures = await connectToW1();
    scenario.measure('server RSS MiB (round 1 → 3)', `${before.toFixed(1)} → ${after.toFixed(1)}`);
    scenario.saw(
      `server ${rounds.every((r) => r.answers) ? 'answered a ping after each round' : 'stopped answering'}; ${failures.length === 0 ? 'new connections to w1 work' : `new connections to w1 failed: ${failures[0]}`}`,
    );
    everyoneUp();
    for (const round of rounds) {
      expect(round.answers).toBe(true);
      expect(round.errorReplies).toBeGreaterThan(round.sent / 2);
    }
    expect(listed.code, listed.stderr).toBe(0);
    for (const name of WORKERS) expect(listed.stdout).toContain(`"${name}"`);
    expect(failures, 'new WebRTC connections to w1').toEqual([]);
    expect(after - before).toBeLessThan(LEAK_MIB);
  }, 180_000);

  it('malformed control frames over WebRTC (400, an empty one among them): the worker answers on the same connection afterwards', async (context) => {
    const scenario = recordFault(context, {
      id: 'j4-fuzz-control-frames',
      group: '5 load',
      fault: 'malformed control frames from a connected client',
      tried:
        '400 frames over one WebRTC connection to w1: empty and random text, random JSON, requests with random methods and params, unasked responses, events and errors, a 5000-deep nested request; then `worker.info` on the same connection, and 3 new connections',
    });
    const before = rssMiB(lab.worker.pid);
    const fuzzed = await fuzz(scenario, 'control', 1);
    const failures = await connectToW1();
    measureW1Rss(scenario, before);
    scenario.saw(
      `${fuzzed.answers ? 'worker.info answered on the fuzzed connection' : 'no answer to worker.info on the fuzzed connection within 5 s'}; ${failures.length === 0 ? 'new connections work' : `new connections failed: ${failures[0]}`}`,
    );
    everyoneUp();
    expect(fuzzed.answers, 'the worker answers worker.info on the fuzzed connection').toBe(true);
    expect(failures, 'new WebRTC connections to w1').toEqual([]);
  }, 120_000);
  it('malformed link signals relayed to a worker (400 at 40/s, 200 of them offers with a garbage SDP): the worker stays up and still takes new connections', async (context) => {
    const scenario = recordFault(context, {
      id: 'j3-fuzz-relayed-signals',
      group: '5 load',
      fault: 'malformed link signals relayed to the worker by a room member',
      tried:
        '400 signals at 40/s from one registered client: 200 of every kind (offers with a garbage SDP, answers and candidates for unknown links, byes, a wrong version, random objects), then 200 offers with a garbage SDP; then 3 WebRTC connections to w1',
    });
    const before = rssMiB(lab.worker.pid);
    const fuzzed = await fuzz(scenario, 'relay', 1);
    const started = Date.now();
    const failures = await connectToW1();
    scenario.measure('3 connections took s', (Date.now() - started) / 1000);
    measureW1Rss(scenario, before);
    scenario.saw(
      failures.length === 0
        ? 'new connections to w1 work'
        : `${failures.length} of 3 new connections to w1 failed: ${failures[0]}`,
    );
    everyoneUp();
    expect(fuzzed.answers, 'the worker answers worker.info on the fuzzed connection').toBe(true);
    expect(failures, 'new WebRTC connections to w1').toEqual([]);
  }, 120_000);
});
