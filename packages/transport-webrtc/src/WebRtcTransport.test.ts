import { type ByteStreamReader, isTrainwireError, type TransportStatus } from '@trainwire/core';
import { VirtualClock } from '@trainwire/core/testing';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebRtcPair, NODE_BACKENDS } from './__tests__/linkPair.js';
import type { WebRtcTransport } from './WebRtcTransport.js';

let pair: [WebRtcTransport, WebRtcTransport] | undefined;
afterEach(async () => {
  for (const end of pair ?? []) await end.close();
  pair = undefined;
});

function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + (i >> 11)) & 0xff;
  return bytes;
}

describe.each(NODE_BACKENDS)('WebRtcTransport on %s', (backend) => {
  const rtc = { backend };
  async function openPair() {
    pair = createWebRtcPair({ rtc });
    await Promise.all(pair.map((end) => end.connect()));
    return pair;
  }

  it('negotiates a max message size and chunks byte streams under it', async () => {
    const [client, worker] = await openPair();
    expect(client.maxMessageSize).toBe(256 * 1024);
    const stream = firstValueFrom(worker.byteStreams$);
    const writer = await client.openByteStream({
      id: 'x',
      name: 'a b:c.bin',
      size: 600_000,
      offset: 0,
    });
    await writer.write(pattern(600_000));
    const end = writer.end();
    const sizes: number[] = [];
    await new Promise<void>((resolve, reject) =>
      stream.then((s) =>
        s.chunks$.subscribe({
          next: (c) => sizes.push(c.length),
          error: reject,
          complete: resolve,
        }),
      ),
    );
    await end;
    expect(Math.max(...sizes)).toBeLessThanOrEqual(client.maxMessageSize);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(600_000);
  });

  it('errors the receiver when the sender aborts, and carries several streams at once', async () => {
    const [client, worker] = await openPair();
    const streams: ByteStreamReader[] = [];
    worker.byteStreams$.subscribe((s) => streams.push(s));
    const bothArrived = firstValueFrom(worker.byteStreams$.pipe(take(2), toArray()));
    const a = await client.openByteStream({ id: 'a', name: 'a', size: 100_000, offset: 0 });
    const b = await client.openByteStream({ id: 'b', name: 'b', size: 100_000, offset: 0 });
    await Promise.all([a.write(pattern(50_000)), b.write(pattern(100_000))]);
    a.abort('user cancelled');
    await bothArrived;
    const byId = (id: string) => streams.find((s) => s.header.id === id)!;
    // The end is confirmed once the reader took every byte: read b while it ends.
    let total = 0;
    const readB = new Promise<void>((resolve) =>
      byId('b').chunks$.subscribe({ next: (c) => (total += c.length), complete: resolve }),
    );
    await b.end();
    const failed = await firstValueFrom(byId('a').chunks$.pipe(filter(() => false))).catch(
      (e: unknown) => e,
    );
    expect(isTrainwireError(failed, 'transport_closed')).toBe(true);
    expect(String((failed as Error).message)).toMatch(/user cancelled/);
    await readB;
    expect(total).toBe(100_000);
  });

  it('refuses an empty message, which would stall the channel, and carries what follows', async () => {
    const [client, worker] = await openPair();
    const got: string[] = [];
    worker.messages$.subscribe((m) => got.push(m));
    let refused: unknown;
    try {
      client.send('');
    } catch (error) {
      refused = error;
    }
    expect(isTrainwireError(refused, 'message_empty')).toBe(true);
    client.send(' ');
    client.send('after');
    await firstValueFrom(worker.messages$.pipe(filter((m) => m === 'after')));
    expect(got).toEqual([' ', 'after']);
  });

  it('closes the remote end too', async () => {
    const [client, worker] = await openPair();
    await client.close();
    expect(await firstValueFrom(worker.status$.pipe(filter((s) => s === 'closed')))).toBe('closed');
  });

  it('closes even when the bye cannot be sent: the channel went down under an open readyState', async () => {
    const [client] = await openPair();
    // node-datachannel's native side can close between the state check and the send.
    const control = (client as unknown as { control: { send(data: string): void } }).control;
    control.send = () => {
      throw new Error(
        'libdatachannel error while sending data channel message: DataChannel is closed',
      );
    };
    await client.close();
    expect(client.currentStatus).toBe('closed');
  });

  it('goes reconnecting when the remote end falls silent, and closed after reconnectTimeoutMs', async () => {
    // Each end on its own clock: stopping the worker's clock stops its pings, as a
    // process killed with no `bye` would, while its werift peer stays up.
    const clientClock = new VirtualClock();
    const workerClock = new VirtualClock();
    pair = createWebRtcPair({ rtc, scheduler: clientClock }, { scheduler: workerClock });
    const [client, worker] = pair;
    await Promise.all(pair.map((end) => end.connect()));
    const statuses: TransportStatus[] = [];
    client.status$.subscribe((s) => statuses.push(s));
    // The worker pinged on open; this message follows it on the ordered channel.
    const hello = firstValueFrom(client.messages$);
    worker.send('"hello"');
    await hello;

    // Idle for a minute, the worker pinging every 2 s: the link stays open.
    for (let t = 0; t < 60_000; t += 2_000) {
      await clientClock.tick(2_000);
      await workerClock.tick(2_000);
      await crossLoopback();
    }
    expect(statuses).toEqual(['open']);
    // The last thing the worker says; it follows its last ping on the ordered channel.
    const last = firstValueFrom(client.messages$);
    worker.send('"last words"');
    await last;

    // The worker's pings stop: after 10 s of silence (the default) the client reconnects.
    await clientClock.tick(9_000, 1_000);
    expect(statuses).toEqual(['open']);
    await clientClock.tick(1_000);
    expect(statuses).toEqual(['open', 'reconnecting']);
    // No new connection within reconnectTimeoutMs (30 s): closed.
    await clientClock.tick(29_000, 1_000);
    expect(statuses).toEqual(['open', 'reconnecting']);
    await clientClock.tick(1_000);
    expect(statuses).toEqual(['open', 'reconnecting', 'closed']);
  });
});

/** Lets a frame sent on a real loopback link arrive (the clocks above are virtual). */
function crossLoopback(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 25));
}
