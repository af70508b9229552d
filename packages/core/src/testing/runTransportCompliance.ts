import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { isTrainwireError } from '../errors.js';
import type { Transport } from '../Transport.js';

/** Two connected ends of a transport, and how to take them down. */
export interface TransportPairFixture {
  client: Transport;
  worker: Transport;
  dispose(): Promise<void>;
}

/**
 * The transport compliance suite: every transport (memory, WebRTC in Node, WebRTC in a
 * browser) must pass it. `createPair` returns two ends, both `open` or opening.
 *
 * @example
 * ```ts
 * runTransportCompliance('memory', async () => {
 *   const [client, worker] = createMemoryTransportPair();
 *   await Promise.all([client.connect(), worker.connect()]);
 *   return { client, worker, dispose: () => client.close() };
 * });
 * ```
 */
export function runTransportCompliance(
  name: string,
  createPair: () => Promise<TransportPairFixture>,
): void {
  describe(`Transport compliance: ${name}`, () => {
    let fixture: TransportPairFixture | undefined;
    const open = async () => {
      fixture = await createPair();
      await Promise.all([fixture.client.connect(), fixture.worker.connect()]);
      return fixture;
    };
    afterEach(async () => {
      await fixture?.dispose();
      fixture = undefined;
    });

    it('reports open once connected', async () => {
      const { client, worker } = await open();
      expect(await firstValueFrom(client.status$)).toBe('open');
      expect(await firstValueFrom(worker.status$)).toBe('open');
    });

    it('carries control messages both ways, in order, each once', async () => {
      const { client, worker } = await open();
      const texts = Array.from({ length: 200 }, (_, i) =>
        JSON.stringify({ n: i, text: `ünïcödé ${i} ✓` }),
      );
      const atWorker = firstValueFrom(worker.messages$.pipe(take(texts.length), toArray()));
      const atClient = firstValueFrom(client.messages$.pipe(take(texts.length), toArray()));
      for (const text of texts) client.send(text);
      for (const text of texts) worker.send(text);
      expect(await atWorker).toEqual(texts);
      expect(await atClient).toEqual(texts);
    });

    it('refuses a message above maxMessageSize with message_too_large and stays open', async () => {
      const { client, worker } = await open();
      const tooBig = 'x'.repeat(client.maxMessageSize + 1);
      let caught: unknown;
      try {
        client.send(tooBig);
      } catch (error) {
        caught = error;
      }
      expect(isTrainwireError(caught, 'message_too_large')).toBe(true);
      const next = firstValueFrom(worker.messages$);
      client.send('"still works"');
      expect(await next).toBe('"still works"');
    });

    it('carries a byte stream with every byte in order', async () => {
      const { client, worker } = await open();
      const size = 300_000;
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
      const header = { id: 't-1', name: 'a file: ünïcödé.bin', size, offset: 0 };
      const received = firstValueFrom(
        worker.byteStreams$.pipe(filter((s) => s.header.id === 't-1')),
      );
      const writer = await client.openByteStream(header);
      for (let offset = 0; offset < size; offset += 70_000)
        await writer.write(bytes.subarray(offset, offset + 70_000));
      const endDone = writer.end();
      const stream = await received;
      expect(stream.header.name).toBe(header.name);
      const chunks = await firstValueFrom(stream.chunks$.pipe(toArray()));
      await endDone;
      const joined = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const chunk of chunks) {
        joined.set(chunk, at);
        at += chunk.length;
      }
      expect(joined.length).toBe(size);
      expect(joined).toEqual(bytes);
    });

    it('fails sends after close with transport_closed and ends with closed', async () => {
      const { client } = await open();
      await client.close();
      let caught: unknown;
      try {
        client.send('"late"');
      } catch (error) {
        caught = error;
      }
      expect(isTrainwireError(caught)).toBe(true);
      expect((caught as { code: string }).code).toMatch(/transport_closed|transport_not_open/);
      expect(await firstValueFrom(client.status$)).toBe('closed');
    });
  });
}
