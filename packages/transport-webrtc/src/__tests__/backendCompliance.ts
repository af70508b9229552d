import { createHash, randomBytes } from 'node:crypto';
import { type ByteStreamReader, isTrainwireError, type TransportStatus } from '@trainwire/core';
import { writeWatched } from '@trainwire/core/testing';
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RtcBackend, RtcChannel, RtcPeer } from '../backends/RtcBackend.js';
import { resolveRtcBackend } from '../backends/resolveRtcBackend.js';
import type { WebRtcTransport, WebRtcTransportOptions } from '../WebRtcTransport.js';
import { breakLink, createWebRtcPair } from './linkPair.js';

const MiB = 1024 * 1024;
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Hashes a stream as it arrives (nothing kept): its SHA-256 and length. */
export function hashOf(reader: ByteStreamReader): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  return new Promise((resolve, reject) =>
    reader.chunks$.subscribe({
      next: (chunk) => {
        hash.update(chunk);
        bytes += chunk.length;
      },
      error: reject,
      complete: () => resolve({ sha256: hash.digest('hex'), bytes }),
    }),
  );
}

/** Writes `data` in `piece`-sized writes, then ends. */
async function writeAll(
  transport: WebRtcTransport,
  id: string,
  data: Uint8Array,
  piece = MiB,
  offset = 0,
): Promise<void> {
  const writer = await transport.openByteStream({
    id,
    name: `${id}.bin`,
    size: offset + data.length,
    offset,
  });
  for (let at = 0; at < data.length; at += piece) await writer.write(data.subarray(at, at + piece));
  await writer.end();
}

/** What a {@link spyOn} backend saw its byte channels do. */
interface ChannelWatch {
  /** Largest `bufferedAmount` right after a binary send, on any channel. */
  maxBuffered: number;
  /** How often a sender waited for `bufferedamountlow`. */
  lowEvents: number;
}

/** `backend`, watching every byte channel this end opens. */
function spyOn(backend: RtcBackend, watch: ChannelWatch): RtcBackend {
  const spyChannel = (channel: RtcChannel): RtcChannel =>
    Object.assign(Object.create(channel) as RtcChannel, {
      send(data: string | Uint8Array) {
        channel.send(data);
        if (typeof data !== 'string')
          watch.maxBuffered = Math.max(watch.maxBuffered, channel.bufferedAmount);
      },
      onBufferedAmountLow(cb: () => void) {
        return channel.onBufferedAmountLow(() => {
          watch.lowEvents++;
          cb();
        });
      },
    });
  return {
    name: backend.name,
    createPeer(options) {
      const peer = backend.createPeer(options);
      return Object.assign(Object.create(peer) as RtcPeer, {
        createDataChannel: (label: string, protocol: string) =>
          spyChannel(peer.createDataChannel(label, protocol)),
      });
    },
  };
}

/**
 * What every WebRTC backend must do under the transport, beyond core's compliance suite:
 * large and concurrent byte streams arrive intact, the sender keeps within its buffer
 * bound, a link broken mid-transfer resumes (or fails with a clear error, never hangs),
 * and a closed connection is seen at once by the far end.
 */
export function runBackendCompliance(name: string): void {
  describe(`WebRTC backend compliance: ${name}`, () => {
    let backend: RtcBackend;
    let pair: [WebRtcTransport, WebRtcTransport] | undefined;
    beforeAll(async () => {
      backend = (await resolveRtcBackend(name)).backend;
      expect(backend.name).toBe(name);
    });
    afterEach(async () => {
      for (const end of pair ?? []) await end.close();
      pair = undefined;
    });
    const open = async (
      options: Partial<WebRtcTransportOptions> = {},
      rtcBackend: RtcBackend = backend,
    ) => {
      pair = createWebRtcPair({ ...options, rtc: { backend: rtcBackend } });
      await Promise.all(pair.map((end) => end.connect()));
      expect(pair.map((end) => end.backend)).toEqual([name, name]);
      return pair;
    };

    it('moves 32 MiB in one byte stream with a matching SHA-256', async () => {
      const [client, worker] = await open();
      const data = randomBytes(32 * MiB);
      const received = firstValueFrom(worker.byteStreams$).then(hashOf);
      await writeAll(client, 'big', data);
      expect(await received).toEqual({ sha256: sha256(data), bytes: data.length });
    });

    it('moves four byte streams at once, both ways, each with its own SHA-256', async () => {
      const [client, worker] = await open();
      const files = ['a', 'b', 'c', 'd'].map((id) => ({ id, data: randomBytes(4 * MiB) }));
      const arrived = (at: WebRtcTransport) => {
        const hashes = new Map<string, Promise<{ sha256: string; bytes: number }>>();
        at.byteStreams$.subscribe((s) => hashes.set(s.header.id, hashOf(s)));
        return hashes;
      };
      const atWorker = arrived(worker);
      const atClient = arrived(client);
      await Promise.all(
        files.map(({ id, data }, i) =>
          i % 2 === 0 ? writeAll(client, id, data, 256 * 1024) : writeAll(worker, id, data),
        ),
      );
      for (const [i, { id, data }] of files.entries()) {
        const hashes = i % 2 === 0 ? atWorker : atClient;
        expect(await hashes.get(id), id).toEqual({ sha256: sha256(data), bytes: data.length });
      }
    });

    it('lets a writer reuse its buffer once write resolved: every byte arrives as it was written', async () => {
      const [client, worker] = await open();
      const buffer = new Uint8Array(MiB);
      const whole = createHash('sha256');
      const received = firstValueFrom(worker.byteStreams$).then(hashOf);
      const writer = await client.openByteStream({
        id: 'reused',
        name: 'reused.bin',
        size: 16 * MiB,
        offset: 0,
      });
      for (let round = 0; round < 16; round++) {
        buffer.fill(round + 1);
        whole.update(buffer);
        await writer.write(buffer);
      }
      await writer.end();
      expect(await received).toEqual({ sha256: whole.digest('hex'), bytes: 16 * MiB });
    });

    it('keeps the sender within highWaterMark + one chunk: a fast writer waits for bufferedamountlow', async () => {
      const watch: ChannelWatch = { maxBuffered: 0, lowEvents: 0 };
      const tuning = { chunkSize: 64 * 1024, highWaterMark: 512 * 1024, lowWaterMark: 128 * 1024 };
      const [client, worker] = await open({ tuning }, spyOn(backend, watch));
      const data = randomBytes(16 * MiB);
      const received = firstValueFrom(worker.byteStreams$).then(hashOf);
      // One write of everything: only backpressure keeps it from queueing 16 MiB at once.
      await writeAll(client, 'pressed', data, data.length);
      expect(await received).toEqual({ sha256: sha256(data), bytes: data.length });
      expect(watch.maxBuffered).toBeLessThanOrEqual(tuning.highWaterMark + tuning.chunkSize);
      expect(watch.lowEvents).toBeGreaterThan(0);
    });

    it('lets a slow reader set the pace: the sender waits for what it took (hold), every byte arrives', async () => {
      const tuning = { ackEvery: 256 * 1024, window: MiB };
      const [client, worker] = await open({ tuning });
      const data = randomBytes(8 * MiB);
      // The reader's "disk" is shut until `open()`: every chunk's write waits for it.
      let openGate!: () => void;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      const received = firstValueFrom(worker.byteStreams$).then((reader) => {
        const hash = createHash('sha256');
        let bytes = 0;
        return new Promise<{ sha256: string; bytes: number }>((resolve, reject) =>
          reader.chunks$.subscribe({
            next: (chunk) => {
              reader.hold?.(
                gate.then(() => {
                  hash.update(chunk);
                  bytes += chunk.length;
                }),
              );
            },
            error: reject,
            complete: () => gate.then(() => resolve({ sha256: hash.digest('hex'), bytes })),
          }),
        );
      });
      const writer = await client.openByteStream({
        id: 'slow',
        name: 'slow.bin',
        size: data.length,
        offset: 0,
      });
      // Until the writer stops moving: nothing is taken, so only the window is in flight.
      const watched = writeWatched(writer, data, 64 * 1024, 400);
      const written = await watched.stalled;
      expect(written).toBeGreaterThan(0);
      expect(written).toBeLessThanOrEqual(tuning.window + 256 * 1024 + 64 * 1024);
      openGate();
      await watched.sending;
      expect(await received).toEqual({ sha256: sha256(data), bytes: data.length });
    });

    it("turns a stream down when the reader's write fails: the sender hears why", async () => {
      const [client, worker] = await open();
      worker.byteStreams$.subscribe((reader) =>
        reader.chunks$.subscribe({
          next: () => reader.hold?.(Promise.reject(new Error('ENOSPC: no space left on device'))),
          error: () => undefined,
        }),
      );
      const sendError = await writeAll(client, 'full', randomBytes(8 * MiB)).catch(
        (e: unknown) => e,
      );
      expect(isTrainwireError(sendError, 'stream_refused'), String(sendError)).toBe(true);
      expect(String((sendError as Error).message)).toMatch(
        /could not store transfer full: ENOSPC: no space left on device/,
      );
    });

    it('gives up on a reader that stops taking bytes and says nothing: transfer_stalled, in a write and in the end', async () => {
      const tuning = { ackEvery: 256 * 1024, window: MiB, stallTimeoutMs: 1_000 };
      const [client, worker] = await open({ tuning });
      worker.byteStreams$.subscribe((reader) =>
        reader.chunks$.subscribe({
          next: () => reader.hold?.(new Promise(() => undefined)),
          // The stream fails when the pair is closed after the test.
          error: () => undefined,
        }),
      );
      const started = performance.now();
      const sendError = await writeAll(client, 'stuck', randomBytes(4 * MiB)).catch(
        (e: unknown) => e,
      );
      expect(isTrainwireError(sendError, 'transfer_stalled'), String(sendError)).toBe(true);
      expect(String((sendError as Error).message)).toMatch(
        /transfer stuck stalled: the receiver took no bytes for 1 s/,
      );
      expect(performance.now() - started).toBeLessThan(15_000);
      // Within the window the writes go through; the end waits for a `done` that never comes.
      const endError = await writeAll(client, 'small', randomBytes(128 * 1024)).catch(
        (e: unknown) => e,
      );
      expect(isTrainwireError(endError, 'transfer_stalled'), String(endError)).toBe(true);
    });

    it('resumes a transfer broken mid-stream from what the receiver kept, SHA-256 intact', async () => {
      const [client, worker] = await open();
      const statuses: TransportStatus[] = [];
      client.status$.subscribe((s) => statuses.push(s));
      const data = randomBytes(16 * MiB);
      const kept: Uint8Array[] = [];
      let keptBytes = 0;
      const firstPart = new Promise<unknown>((resolve) =>
        worker.byteStreams$.pipe(filter((s) => s.header.offset === 0)).subscribe((s) =>
          s.chunks$.subscribe({
            next: (chunk) => {
              kept.push(chunk);
              keptBytes += chunk.length;
              if (keptBytes >= 2 * MiB && statuses.at(-1) === 'open') breakLink(client);
            },
            error: resolve,
            complete: () => resolve(undefined),
          }),
        ),
      );
      const sending = writeAll(client, 'f', data, 256 * 1024).catch((e: unknown) => e);
      const sendError = await sending;
      expect(isTrainwireError(sendError), String(sendError)).toBe(true);
      expect(String((sendError as Error).message)).toMatch(
        /transfer f\b.*link dropped|link dropped.*transfer f\b/,
      );
      expect(isTrainwireError(await firstPart, 'transport_not_open')).toBe(true);

      await firstValueFrom(client.status$.pipe(filter((s) => s === 'open')));
      await firstValueFrom(worker.status$.pipe(filter((s) => s === 'open')));
      expect(statuses).toEqual(['open', 'reconnecting', 'open']);
      // As upload.begin answers: the offset the receiver kept; the id is reused.
      const offset = keptBytes;
      const rest = firstValueFrom(worker.byteStreams$);
      const resumed = writeAll(client, 'f', data.subarray(offset), MiB, offset);
      const tail = await rest;
      expect(tail.header.offset).toBe(offset);
      const whole = createHash('sha256');
      for (const chunk of kept) whole.update(chunk);
      await new Promise<void>((resolve, reject) =>
        tail.chunks$.subscribe({ next: (c) => whole.update(c), error: reject, complete: resolve }),
      );
      await resumed;
      expect(whole.digest('hex')).toBe(sha256(data));
    });

    it('fails a transfer with a clear error, at both ends, when the far end closes mid-stream', async () => {
      const [client, worker] = await open();
      const data = randomBytes(16 * MiB);
      const atWorker = new Promise<unknown>((resolve) =>
        worker.byteStreams$.subscribe((s) => {
          let bytes = 0;
          s.chunks$.subscribe({
            next: (chunk) => {
              bytes += chunk.length;
              if (bytes >= MiB) void worker.close();
            },
            error: resolve,
            complete: () => resolve(undefined),
          });
        }),
      );
      const sendError = await writeAll(client, 'cut', data).catch((e: unknown) => e);
      expect(isTrainwireError(sendError), String(sendError)).toBe(true);
      expect(String((sendError as Error).message)).toMatch(/transfer cut\b/);
      expect(isTrainwireError(await atWorker)).toBe(true);
      expect(await firstValueFrom(client.status$.pipe(filter((s) => s === 'closed')))).toBe(
        'closed',
      );
    });

    it('closes channels, SCTP, then the connection: the far end sees it at once, with no bye and no keepalive', async () => {
      // No pings and no silence check: only the SCTP close can tell the worker.
      const [client, worker] = await open({ keepaliveMs: 0, silenceTimeoutMs: 0 });
      const seen: Array<{ status: TransportStatus; at: number }> = [];
      worker.status$.subscribe((status) => seen.push({ status, at: performance.now() }));
      const brokenAt = performance.now();
      breakLink(client);
      const reconnecting = await firstValueFrom(
        worker.status$.pipe(filter((s) => s === 'reconnecting')),
      ).then(() => performance.now());
      // ICE consent would take 30 s; the stream resets arrive within a round trip.
      expect(reconnecting - brokenAt).toBeLessThan(3_000);
      await Promise.all(
        pair!.map((end) => firstValueFrom(end.status$.pipe(filter((s) => s === 'open')))),
      );
      expect(seen.map((s) => s.status)).toEqual(['open', 'reconnecting', 'open']);
      const echo = firstValueFrom(worker.messages$);
      client.send('"after reconnect"');
      expect(await echo).toBe('"after reconnect"');
    });
  });
}
