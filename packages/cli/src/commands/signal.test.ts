import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
