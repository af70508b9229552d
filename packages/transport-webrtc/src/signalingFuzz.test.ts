import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSocket, startServer } from './__tests__/signalingFixture.js';
import { ClientMessageSchema } from './signalingMessages.js';

let started: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  started = await startServer({ rateLimit: { perSecond: 100_000, burst: 100_000 } });
  started.server.createRoom('lab');
});
afterAll(() => started.dispose());

const messageTypes = ['register', 'discover', 'update', 'signal', 'ping', 'pong', 'nope'];
/** Near-miss messages: right envelope, wrong or missing fields. */
const nearMiss = fc.record(
  {
    v: fc.oneof(fc.constant(1), fc.integer(), fc.string()),
    type: fc.constantFrom(...messageTypes),
    rid: fc.oneof(fc.string({ maxLength: 70 }), fc.integer()),
    role: fc.oneof(fc.constantFrom('worker', 'client'), fc.string()),
    room: fc.string(),
    credential: fc.string(),
    to: fc.string(),
    data: fc.anything(),
    filter: fc.anything(),
    status: fc.string(),
    info: fc.anything(),
  },
  { requiredKeys: ['type'] },
);

describe('signaling fuzz', () => {
  it('answers every malformed message with an error and stays up', async () => {
    const raw = await rawSocket(started.server.url);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.jsonValue(), nearMiss), async (input) => {
        const text = typeof input === 'string' ? input : JSON.stringify(input);
        let valid = false;
        try {
          valid = ClientMessageSchema.safeParse(JSON.parse(text)).success;
        } catch {
          valid = false;
        }
        fc.pre(!valid);
        raw.inbox.length = 0;
        raw.send(text);
        const reply = await raw.next();
        expect(reply.type).toBe('error');
        expect(typeof reply.code).toBe('string');
      }),
      { numRuns: 300 },
    );
    raw.send({ v: 1, type: 'ping', rid: 'alive' });
    expect(await raw.next((m) => m.rid === 'alive')).toMatchObject({ type: 'pong' });
    expect((await fetch(`${started.server.httpUrl}/health`)).status).toBe(200);
    expect(started.server.stats().badMessages).toBeGreaterThan(100);
  });
});
