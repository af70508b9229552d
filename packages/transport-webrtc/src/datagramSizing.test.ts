import { createHash, randomBytes } from 'node:crypto';
import { Subject } from 'rxjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashOf } from './__tests__/backendCompliance.js';
import type { RtcBackend, RtcPeer } from './backends/RtcBackend.js';
import { resolveRtcBackend } from './backends/resolveRtcBackend.js';
import { type LinkSignal, LinkSignalSchema, WIRE_VERSION } from './internal/wireFrames.js';
import { WebRtcTransport } from './WebRtcTransport.js';

// On a loopback-only link both Node backends size their packets for what the far end says
// it reads (`datagram` in offers and answers): 4 KiB datagrams to libdatachannel, one
// 16 KiB DTLS record to werift, the default where the far end says nothing (a browser:
// Chromium drops DTLS datagrams over 2 048 bytes). Real backends, real connections on
// 127.0.0.1.

const MiB = 1024 * 1024;
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

let ndc: RtcBackend;
let werift: RtcBackend;
beforeAll(async () => {
  ndc = (await resolveRtcBackend('node-datachannel')).backend;
  werift = (await resolveRtcBackend('werift')).backend;
});

/** `backend` as a peer that announces nothing (a browser, an older trainwire). */
const silent = (backend: RtcBackend): RtcBackend => ({
  name: backend.name,
  createPeer: (options) => backend.createPeer(options),
});

const open: WebRtcTransport[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

/** A client and a worker on loopback, every signal between them recorded as it crossed. */
async function connectPair(client: RtcBackend, worker: RtcBackend) {
  const signals: Array<{ to: 'worker' | 'client'; signal: LinkSignal }> = [];
  const toWorker = new Subject<LinkSignal>();
  const toClient = new Subject<LinkSignal>();
  const relay = (to: 'worker' | 'client', target: Subject<LinkSignal>) => (signal: object) => {
    const parsed = LinkSignalSchema.parse(
      JSON.parse(JSON.stringify({ v: WIRE_VERSION, link: 'sizing', ...signal })),
    );
    signals.push({ to, signal: parsed });
    setTimeout(() => target.next(parsed), 0);
  };
  const offerer = new WebRtcTransport({
    id: 'worker',
    role: 'offerer',
    rtc: { backend: client, loopbackOnly: true },
    signals: { send: relay('worker', toWorker), inbound$: toClient },
  });
  const answerer = new WebRtcTransport({
    id: 'client',
    role: 'answerer',
    rtc: { backend: worker, loopbackOnly: true },
    signals: { send: relay('client', toClient), inbound$: toWorker },
  });
  open.push(offerer, answerer);
  await Promise.all([offerer.connect(), answerer.connect()]);
  const offers = signals.filter((s) => s.signal.kind === 'offer').map((s) => s.signal);
  const answers = signals.filter((s) => s.signal.kind === 'answer').map((s) => s.signal);
  return { offerer, answerer, offers, answers };
}

const sizedFor = (transport: WebRtcTransport) =>
  (transport as unknown as { peer: RtcPeer }).peer.sendsDatagramsUpTo;

/** `size` random bytes from `from` to `to` in one byte stream: the hash `to` computed. */
async function send(from: WebRtcTransport, to: WebRtcTransport, size: number) {
  const data = randomBytes(size);
  const received = new Promise<{ sha256: string; bytes: number }>((resolve) =>
    to.byteStreams$.subscribe((reader) => resolve(hashOf(reader))),
  );
  const writer = await from.openByteStream({ id: 'f', name: 'f.bin', size, offset: 0 });
  for (let at = 0; at < size; at += MiB) await writer.write(data.subarray(at, at + MiB));
  await writer.end();
  expect(await received).toEqual({ sha256: sha256(data), bytes: size });
}

describe('packet size on a loopback-only link', () => {
  it('between two node-datachannel ends: 4 KiB datagrams both ways, nothing to offer again for, bytes intact', async () => {
    const { offerer, answerer, offers, answers } = await connectPair(ndc, ndc);
    // Every offer and answer says 4096 (a loaded machine may retry a slow attempt), and the
    // offer was sized within the answer's: nothing to offer again for.
    expect(offers.every((o) => o.kind === 'offer' && o.datagram === 4096)).toBe(true);
    expect(answers.every((a) => a.kind === 'answer' && a.datagram === 4096)).toBe(true);
    expect(sizedFor(offerer)).toBe(4096 - 28);
    expect(sizedFor(answerer)).toBe(4096 - 28);
    await send(offerer, answerer, 8 * MiB);
    await send(answerer, offerer, 8 * MiB);
  }, 60_000);

  it('between two werift ends: one DTLS record a packet (16 KiB) both ways, bytes intact', async () => {
    const { offerer, answerer, offers } = await connectPair(werift, werift);
    expect(offers.every((o) => o.kind === 'offer' && o.datagram === 65_507)).toBe(true);
    expect(sizedFor(offerer)).toBe(16_384);
    expect(sizedFor(answerer)).toBe(16_384);
    await send(offerer, answerer, 8 * MiB);
    await send(answerer, offerer, 8 * MiB);
  }, 60_000);

  it('a werift client and a node-datachannel worker: 4 KiB datagrams both ways, after one more offer', async () => {
    const { offerer, answerer, offers, answers } = await connectPair(werift, ndc);
    // werift offered for a far end like itself (16 KiB); libdatachannel reads 4 KiB.
    expect(offers.length).toBeGreaterThanOrEqual(2);
    expect(answers.every((a) => a.kind === 'answer' && a.datagram === 4096)).toBe(true);
    expect(sizedFor(offerer)).toBe(4096);
    expect(sizedFor(answerer)).toBe(4096 - 28);
    await send(offerer, answerer, 8 * MiB);
    await send(answerer, offerer, 8 * MiB);
  }, 60_000);

  it('offers again, at the default size, when the answer says nothing of datagrams', async () => {
    const { offerer, answerer, offers, answers } = await connectPair(ndc, silent(ndc));
    // The first offer assumed a far end like itself; the answer said nothing: offered again
    // (on a loaded machine a slow attempt may be retried once more besides).
    expect(offers.map((o) => o.kind === 'offer' && [o.attempt, o.datagram])).toEqual(
      offers.map((_, i) => [i + 1, 4096]),
    );
    expect(offers.length).toBeGreaterThanOrEqual(2);
    expect(answers.every((a) => a.kind === 'answer' && a.datagram === undefined)).toBe(true);
    expect(sizedFor(offerer)).toBeUndefined();
    // The answering end still read the offer's `datagram`.
    expect(sizedFor(answerer)).toBe(4096 - 28);
    await send(offerer, answerer, 4 * MiB);
    await send(answerer, offerer, 4 * MiB);
  }, 60_000);

  it('answers at the default size an offer that says nothing of datagrams', async () => {
    const { offerer, answerer, offers } = await connectPair(silent(werift), ndc);
    expect(offers.every((o) => o.kind === 'offer' && o.datagram === undefined)).toBe(true);
    expect(sizedFor(answerer)).toBeUndefined();
    await send(answerer, offerer, 4 * MiB);
  }, 60_000);
});
