import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignalingClient } from '@trainwire/transport-webrtc';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { main } from '../main.js';

describe('trainwire rooms and keys (no server running: straight to the store)', () => {
  it('creates a room, issues keys shown once, revokes one, deletes the room', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tw-signal-'));
    const d = ['--data-dir', dataDir];
    expect(await main(['rooms', 'create', 'lab', ...d], fakeIo().io)).toBe(0);
    const issued = fakeIo();
    expect(
      await main(
        [
          'keys',
          'create',
          '--room',
          'lab',
          '--kind',
          'worker-key',
          '--label',
          'gpu-box',
          '--json',
          ...d,
        ],
        issued.io,
      ),
    ).toBe(0);
    const key = JSON.parse(issued.out());
    expect(key.secret.length).toBeGreaterThan(16);
    const listed = fakeIo();
    expect(await main(['keys', 'list', '--room', 'lab', ...d], listed.io)).toBe(0);
    expect(listed.out()).toMatch(new RegExp(`${key.id}\\s+worker-key\\s+active\\s+gpu-box`));
    expect(listed.out()).not.toContain(key.secret);
    expect(await main(['keys', 'revoke', key.id, ...d], fakeIo().io)).toBe(0);
    const after = fakeIo();
    await main(['keys', 'list', '--room', 'lab', ...d], after.io);
    expect(after.out()).toContain('revoked');
    const rooms = fakeIo();
    expect(await main(['rooms', 'list', ...d], rooms.io)).toBe(0);
    expect(rooms.out()).toContain('lab');
    expect(await main(['rooms', 'delete', 'lab', ...d], fakeIo().io)).toBe(0);
    const gone = fakeIo();
    expect(await main(['rooms', 'delete', 'lab', ...d], gone.io)).toBe(2);
    expect(gone.err()).toContain('no room lab');
    const noRoom = fakeIo();
    expect(await main(['keys', 'create', '--room', 'nope', ...d], noRoom.io)).toBe(2);
    expect(noRoom.err()).toContain('trainwire rooms create nope');
  });

  it('a room name with a space is exit 2 with a readable message, and nothing is created', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tw-signal-'));
    const d = ['--data-dir', dataDir];
    const bad = fakeIo();
    expect(await main(['rooms', 'create', 'my lab', ...d], bad.io)).toBe(2);
    expect(bad.err()).toContain(
      'the room NAME must be 1 to 64 letters, digits, ".", "_" or "-" (no spaces); got "my lab"',
    );
    expect(bad.err()).not.toContain('"code"');
    const key = fakeIo();
    expect(await main(['keys', 'create', '--room', 'my lab', ...d], key.io)).toBe(2);
    expect(key.err()).toContain('--room must be 1 to 64 letters');
    const rooms = fakeIo();
    expect(await main(['rooms', 'list', '--json', ...d], rooms.io)).toBe(0);
    expect(rooms.out()).toBe('');
  });

  it('an admin API error other than "not found" is not reported as "no room"', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tw-signal-'));
    const d = ['--data-dir', dataDir];
    expect(await main(['rooms', 'create', 'lab', ...d], fakeIo().io)).toBe(0);
    const server = fakeIo();
    const running = main(['signal', '--port', '0', '--json', ...d], server.io);
    try {
      while (!server.out().includes('"url"')) await new Promise((r) => setTimeout(r, 10));
      // The operator commands now present a token the server refuses (401).
      const file = join(dataDir, 'admin.json');
      const admin = JSON.parse(await readFile(file, 'utf8'));
      await writeFile(file, JSON.stringify({ ...admin, adminToken: 'x'.repeat(32) }));
      const refused = fakeIo();
      expect(await main(['rooms', 'delete', 'lab', ...d], refused.io)).toBe(3);
      expect(refused.err()).not.toContain('no room lab');
      const revoke = fakeIo();
      expect(await main(['keys', 'revoke', 'some-key', ...d], revoke.io)).toBe(3);
      expect(revoke.err()).not.toContain('no key');
    } finally {
      server.interrupt();
    }
    expect(await running).toBe(0);
  });
});

/** A real redis-server on a free loopback port, without persistence (transport-webrtc's fixture). */
interface RedisServer {
  url: string;
  stop(): Promise<void>;
}
// Outside this package's sources, so imported by URL rather than compiled with them.
const redisFixture = new URL(
  '../../../transport-webrtc/src/__tests__/redisServer.ts',
  import.meta.url,
).href;

describe('trainwire signal, rooms and keys with --redis', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    const { startRedis } = (await import(redisFixture)) as {
      startRedis(): Promise<RedisServer>;
    };
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('two instances share one store that rooms and keys manage without either', async () => {
    const r = ['--redis', redis.url];
    const started = await Promise.all(
      [0, 1].map(async () => {
        const dataDir = await mkdtemp(join(tmpdir(), 'tw-signal-'));
        const io = fakeIo();
        const running = main(
          ['signal', '--port', '0', '--json', '--data-dir', dataDir, ...r],
          io.io,
        );
        while (!io.out().includes('"url"')) await new Promise((done) => setTimeout(done, 10));
        return { io, running, info: JSON.parse(io.out()) as { url: string; redis: string } };
      }),
    );
    const [one, two] = started as [(typeof started)[0], (typeof started)[0]];
    try {
      expect(one.info.redis).toBe(redis.url);
      expect(await main(['rooms', 'create', 'lab', ...r], fakeIo().io)).toBe(0);
      const issued = fakeIo();
      const create = ['keys', 'create', '--room', 'lab', '--kind', 'worker-key', '--json', ...r];
      expect(await main(create, issued.io)).toBe(0);
      const key = JSON.parse(issued.out()) as { id: string; secret: string };

      // Issued without an instance, the key opens the room on either.
      const worker = new SignalingClient({
        url: one.info.url,
        room: 'lab',
        role: 'worker',
        credential: key.secret,
        name: 'gpu-1',
      });
      await worker.connect();
      const rooms = fakeIo();
      expect(await main(['rooms', 'list', ...r], rooms.io)).toBe(0);
      expect(rooms.out()).toContain('lab  1 worker(s), 0 client(s) online');

      // Revoked in the shared store: the instance holding the worker closes it.
      const closed = firstValueFrom(worker.status$.pipe(filter((s) => s === 'closed')));
      expect(await main(['keys', 'revoke', key.id, ...r], fakeIo().io)).toBe(0);
      await closed;
      const listed = fakeIo();
      expect(await main(['keys', 'list', '--room', 'lab', ...r], listed.io)).toBe(0);
      expect(listed.out()).toMatch(new RegExp(`${key.id}\\s+worker-key\\s+revoked`));
    } finally {
      one.io.interrupt();
      two.io.interrupt();
    }
    expect(await one.running).toBe(0);
    expect(await two.running).toBe(0);
  });

  it('a --redis that is not a Redis URL is exit 2 naming the flag; an unreachable one exit 3', async () => {
    const bad = fakeIo();
    expect(await main(['rooms', 'list', '--redis', 'localhost:6379'], bad.io)).toBe(2);
    expect(bad.err()).toContain('--redis: a Redis URL looks like redis://HOST:PORT');
    const serve = fakeIo();
    expect(await main(['signal', '--port', '0', '--redis', 'http://x'], serve.io)).toBe(2);
    expect(serve.err()).toContain('--redis');
    const down = fakeIo();
    expect(
      await main(['keys', 'list', '--room', 'lab', '--redis', 'redis://127.0.0.1:1'], down.io),
    ).toBe(3);
    expect(down.err()).toContain('cannot reach Redis at redis://127.0.0.1:1; check --redis');
  });
});
