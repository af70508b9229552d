import { mkdtemp } from 'node:fs/promises';
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
});
