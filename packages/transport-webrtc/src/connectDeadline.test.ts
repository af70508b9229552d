import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectSteps } from './internal/ConnectSteps.js';
import { type LinkSignal, LinkSignalSchema, WIRE_VERSION } from './internal/wireFrames.js';
import { WebRtcTransport } from './WebRtcTransport.js';

const open: WebRtcTransport[] = [];
afterEach(async () => {
  for (const end of open.splice(0)) await end.close();
});

/**
 * A client and a worker whose signals each take `delayMs` to cross (`null`: never);
 * `spoilFirstAnswer` turns the first answer into one the client cannot accept, so its
 * first attempt fails and it tries again; `dropFirstCandidates` keeps every candidate of
 * the first attempt from the far end.
 */
function slowPair(
  delayMs: number | null,
  connectTimeoutMs: number,
  { spoilFirstAnswer = false, dropFirstCandidates = false } = {},
) {
  const toWorker = new Subject<LinkSignal>();
  const toClient = new Subject<LinkSignal>();
  const relay = (target: Subject<LinkSignal>) => (signal: { kind: string; attempt?: number }) => {
    if (delayMs === null) return;
    const first = signal.attempt === 1;
    if (dropFirstCandidates && first && signal.kind === 'candidate') return;
    const spoil = spoilFirstAnswer && first && signal.kind === 'answer';
    const sdp = (signal as { sdp?: string }).sdp;
    const text = JSON.stringify({
      v: WIRE_VERSION,
      link: 'test',
      ...signal,
      ...(spoil ? { sdp: 'v=0 not an answer' } : {}),
      ...(dropFirstCandidates && first && sdp !== undefined
        ? { sdp: sdp.replace(/a=(end-of-)?candidates?[^\r\n]*\r?\n/g, '') }
        : {}),
    });
    setTimeout(() => target.next(LinkSignalSchema.parse(JSON.parse(text))), delayMs);
  };
  const common = { rtc: { loopbackOnly: true, backend: 'werift' }, connectTimeoutMs };
  const client = new WebRtcTransport({
    ...common,
    id: 'worker',
    role: 'offerer',
    signals: { send: relay(toWorker), inbound$: toClient },
  });
  const worker = new WebRtcTransport({
    ...common,
    id: 'client',
    role: 'answerer',
    signals: { send: relay(toClient), inbound$: toWorker },
  });
  open.push(client, worker);
  return { client, worker };
}

describe('the first connection gives up when it stalls, not while it makes progress', () => {
  it('a far end that never answers: gives up after connectTimeoutMs, naming the steps reached', async () => {
    const { client } = slowPair(null, 400);
    const started = Date.now();
    const error = await client.connect().then(
      () => undefined,
      (e: Error) => e,
    );
    const took = Date.now() - started;
    expect(error?.message).toMatch(
      /^no connection to worker \(reached: werift loaded at \d+\.\d s, offer sent at \d+\.\d s; nothing new for 0\.4 s\)$/,
    );
    // The stall clock starts again at the last step (the offer), never later than that.
    expect(took).toBeGreaterThanOrEqual(400);
    expect(took).toBeLessThan(5_000);
    expect(client.currentStatus).toBe('closed');
  });

  it('a slow link whose first attempt fails still connects on the next, past connectTimeoutMs in all', async () => {
    // Each crossing takes 0.5 s: offer → spoilt answer (1 s) → retry → answer (1 s more).
    const { client, worker } = slowPair(500, 1_500, { spoilFirstAnswer: true });
    const started = Date.now();
    await Promise.all([client.connect(), worker.connect()]);
    // Under a deadline counted from the start, this link would have given up at 1.5 s.
    expect(Date.now() - started).toBeGreaterThan(1_500);
    expect(client.currentStatus).toBe('open');
    const got = new Promise<string>((resolve) => worker.messages$.subscribe(resolve));
    client.send('{"hello":1}');
    expect(await got).toBe('{"hello":1}');
  });

  it('an answered attempt whose ICE checks go nowhere is dropped at half connectTimeoutMs, and the next one connects', async () => {
    // No candidate of the first attempt crosses, in a signal or an SDP: neither end has
    // an address to check, and that attempt never leaves ICE checking.
    const { client, worker } = slowPair(0, 2_000, { dropFirstCandidates: true });
    const started = Date.now();
    await Promise.all([client.connect(), worker.connect()]);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(1_000);
    expect(took).toBeLessThan(2_000 + 1_500);
    expect(client.currentStatus).toBe('open');
  });
});

describe('ConnectSteps', () => {
  it('restarts the stall clock at each new step, and stops at three times it in all', () => {
    let now = 0;
    const steps = new ConnectSteps(() => now, 100);
    expect(steps.remainingMs()).toBe(100);
    now = 90;
    steps.mark('offer sent');
    expect(steps.remainingMs()).toBe(100);
    // The same step again is no progress.
    now = 150;
    steps.mark('offer sent');
    expect(steps.remainingMs()).toBe(40);
    for (const [at, step] of [
      [180, 'answer received'],
      [260, 'connection connecting'],
    ] as const) {
      now = at;
      steps.mark(step);
    }
    // The cap (300 ms) comes before the stall (360 ms).
    expect(steps.remainingMs()).toBe(40);
    now = 300;
    expect(steps.remainingMs()).toBe(0);
    expect(steps.describe()).toBe(
      'reached: offer sent at 0.1 s, answer received at 0.2 s, connection connecting at 0.3 s; 0.3 s in all',
    );
  });

  it('says no step was reached when none was', () => {
    let now = 0;
    const steps = new ConnectSteps(() => now, 50);
    now = 50;
    expect(steps.remainingMs()).toBe(0);
    expect(steps.describe()).toBe('no step reached; nothing new for 0.1 s');
  });
});
