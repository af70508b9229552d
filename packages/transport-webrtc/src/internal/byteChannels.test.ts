import type { ByteStreamReader } from '@trainwire/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TUNING, receiveByteChannel } from './byteChannels.js';
import type { RtcChannel } from './rtcTypes.js';

/** A data channel without a network: what the receiver sends is kept in `sent`. */
class FakeChannel implements RtcChannel {
  label = 'bytes/x';
  protocol = 'trainwire-bytes/1';
  readyState = 'open';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  readonly sent: Array<string | Uint8Array> = [];
  private readonly onMessages: Array<(data: string | Uint8Array) => void> = [];
  private readonly onCloses: Array<() => void> = [];
  send(data: string | Uint8Array): void {
    if (this.readyState !== 'open') throw new Error('closed');
    this.sent.push(data);
  }
  close(): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    for (const cb of this.onCloses) cb();
  }
  onOpen(): void {}
  onClose(cb: () => void): void {
    this.onCloses.push(cb);
  }
  onMessage(cb: (data: string | Uint8Array) => void): void {
    this.onMessages.push(cb);
  }
  onBufferedAmountLow(): () => void {
    return () => undefined;
  }
  deliver(data: string | Uint8Array): void {
    if (this.readyState !== 'open') return;
    for (const cb of this.onMessages) cb(data);
  }
  frames(): Array<Record<string, unknown>> {
    return this.sent.filter((m): m is string => typeof m === 'string').map((m) => JSON.parse(m));
  }
}

function receiver() {
  const channel = new FakeChannel();
  const streams: ByteStreamReader[] = [];
  const problems: string[] = [];
  receiveByteChannel(
    channel,
    { ...DEFAULT_TUNING, ackEvery: 10 },
    (s) => streams.push(s),
    (code) => problems.push(code),
  );
  return { channel, streams, problems };
}

const header = (size: number) =>
  JSON.stringify({ v: 1, type: 'header', header: { id: 't', name: 'a: b ✓', size, offset: 0 } });

describe('byte-stream channel receiver', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a link dropping under an ack is the link, not the reader: no write_failed, transport_not_open', async () => {
    const { channel, streams, problems } = receiver();
    channel.deliver(header(40));
    const outcome = new Promise<unknown>((resolve) =>
      streams[0]!.chunks$.subscribe({ error: resolve, complete: () => resolve('complete') }),
    );
    // node-datachannel throws from send while the channel still says open, then closes.
    channel.send = () => {
      throw new Error('libdatachannel error while sending data channel message: Sending failed');
    };
    channel.deliver(new Uint8Array(12).fill(1));
    await new Promise((resolve) => setTimeout(resolve, 0));
    channel.close();
    const error = (await outcome) as { code?: string };
    expect(error.code).toBe('transport_not_open');
    expect(problems).toEqual([]);
  });

  it('delivers the bytes, acknowledges them and confirms the end', async () => {
    const { channel, streams } = receiver();
    channel.deliver(header(25));
    channel.deliver(new Uint8Array(12).fill(1));
    channel.deliver(new Uint8Array(13).fill(2));
    channel.deliver(JSON.stringify({ v: 1, type: 'end', sent: 25 }));
    const chunks: Uint8Array[] = [];
    await new Promise<void>((resolve) =>
      streams[0]!.chunks$.subscribe({ next: (c) => chunks.push(c), complete: resolve }),
    );
    expect(chunks.map((c) => c.length)).toEqual([12, 13]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(channel.frames()).toEqual([
      { v: 1, type: 'ack', received: 12 },
      { v: 1, type: 'ack', received: 25 },
      { v: 1, type: 'done', received: 25 },
    ]);
  });

  it('a link closing as the reader finishes is not a crash: the done it cannot send is dropped', async () => {
    // The app read every byte and closed the connection at once (CI saw it: a
    // node-datachannel client, its process killed by an unhandled rejection). The native
    // side closed between the open check and the send, so send throws while readyState
    // still says open.
    const { channel, streams } = receiver();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      channel.deliver(header(12));
      channel.deliver(new Uint8Array(12).fill(1));
      const done = new Promise<void>((resolve) =>
        streams[0]!.chunks$.subscribe({ complete: resolve }),
      );
      channel.send = () => {
        throw new Error(
          'libdatachannel error while sending data channel message: DataChannel is closed',
        );
      };
      channel.deliver(JSON.stringify({ v: 1, type: 'end', sent: 12 }));
      await done;
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('acknowledges only what the reader took: a held write holds the ack and the done back', async () => {
    const { channel, streams } = receiver();
    channel.deliver(header(25));
    channel.deliver(new Uint8Array(12).fill(1));
    // Not read yet: nothing is confirmed for bytes that only arrived.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(channel.frames()).toEqual([]);
    let release!: () => void;
    const disk = new Promise<void>((resolve) => (release = resolve));
    streams[0]!.chunks$.subscribe({ next: () => streams[0]!.hold?.(disk) });
    channel.deliver(new Uint8Array(13).fill(2));
    channel.deliver(JSON.stringify({ v: 1, type: 'end', sent: 25 }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(channel.frames()).toEqual([]);
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(channel.frames()).toEqual([
      { v: 1, type: 'ack', received: 12 },
      { v: 1, type: 'ack', received: 25 },
      { v: 1, type: 'done', received: 25 },
    ]);
  });

  it('refuses more bytes than the header announced; the channel closes once the sender had time to read why', () => {
    vi.useFakeTimers();
    const { channel, problems } = receiver();
    channel.deliver(header(4));
    channel.deliver(new Uint8Array(5));
    expect(problems).toEqual(['bad_frame']);
    expect(channel.frames().at(-1)).toMatchObject({ type: 'error', code: 'bad_frame' });
    channel.deliver(new Uint8Array(3));
    expect(problems).toEqual(['bad_frame']);
    vi.runAllTimers();
    expect(channel.readyState).toBe('closed');
  });

  it('survives any sequence of frames: never throws, answers bad ones with an error', () => {
    const frame = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.uint8Array({ maxLength: 64 }),
      fc
        .record({
          v: fc.constantFrom(1, 2),
          type: fc.constantFrom('header', 'end', 'abort', 'ack', 'done', 'error', 'x'),
          sent: fc.nat(200),
          reason: fc.string(),
          header: fc.anything(),
        })
        .map((v) => JSON.stringify(v)),
    );
    vi.useFakeTimers();
    fc.assert(
      fc.property(fc.boolean(), fc.array(frame, { maxLength: 20 }), (withHeader, frames) => {
        const { channel, streams, problems } = receiver();
        if (withHeader) channel.deliver(header(100));
        for (const data of frames) channel.deliver(data);
        for (const stream of streams) stream.chunks$.subscribe({ error: () => undefined });
        const errorsSent = channel.frames().filter((f) => f.type === 'error').length;
        expect(errorsSent).toBe(problems.length);
        vi.runAllTimers();
        if (problems.length > 0) expect(channel.readyState).toBe('closed');
        expect(streams.length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});
