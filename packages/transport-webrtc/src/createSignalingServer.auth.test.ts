import { isTrainwireError } from '@trainwire/core';
import { VirtualClock } from '@trainwire/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { registerRaw, startServer } from './__tests__/signalingFixture.js';
import type { SignalingLogEntry } from './SignalingLogEntry.js';

type Started = Awaited<ReturnType<typeof startServer>>;
let started: Started | undefined;
afterEach(async () => {
  await started?.dispose();
  started = undefined;
});

/** A server on virtual time (so backoffs pass at once) that keeps what it logs. */
async function loggedServer() {
  const clock = new VirtualClock();
  const logs: SignalingLogEntry[] = [];
  started = await startServer({ scheduler: clock, logger: (entry) => logs.push(entry) });
  const { server } = started;
  server.createRoom('lab');
  const token = server.createCredential('lab', 'room-token', 'alice');
  return { ...started, clock, logs, token };
}

/** The token with a wrong secret: well-formed, its real id. */
const wrongSecret = (secret: string) => `${secret.split('.')[0]}.${'A'.repeat(32)}`;

describe('failed authentication at the signaling server', () => {
  it('refuses and logs 50 bad tokens from one address, then a valid one until the backoff ends', async () => {
    const { server, clock, logs, token, client } = await loggedServer();
    const codes: unknown[] = [];
    for (let i = 0; i < 50; i++) {
      const bad = `twr_${i.toString(16).padStart(12, '0')}.guess${i}`;
      const { answer } = await registerRaw(server.url, {
        role: 'client',
        room: 'lab',
        credential: bad,
      });
      codes.push(answer.code);
    }
    // Five free failures, the sixth starts a 1 s block, the rest are refused unheard.
    expect(codes.slice(0, 6)).toEqual(Array(6).fill('auth_failed'));
    expect(codes.slice(6)).toEqual(Array(44).fill('too_many_attempts'));
    const failures = logs.filter((l) => l.event === 'auth_failed');
    expect(failures).toHaveLength(6);
    expect(failures.every((l) => l.address === '127.0.0.1' && l.room === 'lab')).toBe(true);
    expect(failures[5]!.message).toMatch(/^register refused from 127\.0\.0\.1 for room lab/);
    expect(failures[5]!.message).toMatch(/blocked for 1 s/);
    const blocked = logs.filter((l) => l.event === 'too_many_attempts');
    expect(blocked.length).toBeGreaterThanOrEqual(1);
    expect(blocked[0]!.address).toBe('127.0.0.1');

    // A valid token from the blocked address waits too, and is told how long.
    const { answer } = await registerRaw(server.url, {
      role: 'client',
      room: 'lab',
      credential: token.secret,
    });
    expect(answer).toMatchObject({ code: 'too_many_attempts', retryAfterMs: 1000 });
    const refused = await client({ room: 'lab', role: 'client', credential: token.secret })
      .connect()
      .catch((e: unknown) => e);
    expect(isTrainwireError(refused, 'too_many_attempts')).toBe(true);
    expect((refused as Error).message).toMatch(/retry in 1 s/);

    clock.advanceBy(1000);
    const alice = client({ room: 'lab', role: 'client', credential: token.secret });
    await alice.connect();
    expect(alice.credentialId).toBe(token.id);
    // The success cleared the address: five failures are free again.
    for (let i = 0; i < 5; i++) {
      const again = await registerRaw(server.url, {
        role: 'client',
        room: 'lab',
        credential: wrongSecret(token.secret),
      });
      expect(again.answer.code).toBe('auth_failed');
    }
  });

  it('doubles the block with each further failure, and limits a credential id across addresses', async () => {
    const { server, clock, logs, token } = await loggedServer();
    const other = server.createCredential('lab', 'room-token', 'bob');
    const attempt = (credential: string, localAddress: string) =>
      registerRaw(server.url, { role: 'client', room: 'lab', credential }, { localAddress });
    // One failure from each of six addresses: no address is blocked, alice's token is.
    for (let i = 2; i <= 7; i++) await attempt(wrongSecret(token.secret), `127.0.0.${i}`);
    expect(logs.filter((l) => l.event === 'auth_failed').map((l) => l.address)).toEqual([
      '127.0.0.2',
      '127.0.0.3',
      '127.0.0.4',
      '127.0.0.5',
      '127.0.0.6',
      '127.0.0.7',
    ]);
    const valid = await attempt(token.secret, '127.0.0.9');
    expect(valid.answer).toMatchObject({ code: 'too_many_attempts', retryAfterMs: 1000 });
    // Another credential from the same address is not held up.
    expect((await attempt(other.secret, '127.0.0.9')).answer.type).toBe('registered');

    clock.advanceBy(1000);
    await attempt(wrongSecret(token.secret), '127.0.0.8');
    expect((await attempt(token.secret, '127.0.0.9')).answer).toMatchObject({
      code: 'too_many_attempts',
      retryAfterMs: 2000,
    });
    clock.advanceBy(2000);
    expect((await attempt(token.secret, '127.0.0.9')).answer.type).toBe('registered');
  });

  it('answers an unknown room exactly as a bad credential, and closes alike', async () => {
    const { server, token: issued } = await loggedServer();
    server.createRoom('other');
    const elsewhere = server.createCredential('other', 'room-token').secret;
    const token = issued.secret;
    const probes = [
      { room: 'nowhere', credential: token }, // a valid token, a room that does not exist
      { room: 'lab', credential: wrongSecret(token) }, // the room exists, wrong secret
      { room: 'nowhere', credential: wrongSecret(token) },
      { room: 'lab', credential: `twr_${'f'.repeat(12)}.${'A'.repeat(32)}` }, // no such id
      { room: 'lab', credential: elsewhere }, // valid in another room
      { room: 'lab', credential: 'not-a-credential' },
    ];
    const answers = [];
    // Each from its own address, so that the backoff stays out of it.
    for (const [i, probe] of probes.entries()) {
      const localAddress = `127.0.0.${10 + i}`;
      const message = { role: 'client', rid: 'r', ...probe };
      answers.push(await registerRaw(server.url, message, { localAddress }));
    }
    expect(answers[0]).toEqual({
      answer: {
        v: 1,
        type: 'error',
        rid: 'r',
        code: 'auth_failed',
        message: `credential refused: check the room name and the credential (trainwire whoami), or ask the room's operator for a room token`,
      },
      close: { code: 4001, reason: 'auth_failed' },
    });
    for (const other of answers.slice(1)) expect(other).toEqual(answers[0]);
  });

  it('rate-limits and logs wrong admin tokens by address', async () => {
    const logs: SignalingLogEntry[] = [];
    started = await startServer({ adminToken: 'sesame', logger: (entry) => logs.push(entry) });
    const rooms = (token: string) =>
      fetch(`${started!.server.httpUrl}/rooms`, { headers: { authorization: `Bearer ${token}` } });
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await rooms(`guess-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    const blocked = await rooms('sesame');
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('1');
    expect(await blocked.json()).toMatchObject({ error: 'too_many_attempts' });
    const failures = logs.filter((l) => l.event === 'admin_auth_failed');
    expect(failures).toHaveLength(6);
    expect(failures[0]!.message).toMatch(/^admin request GET \/rooms refused from 127\.0\.0\.1/);
  });
});
