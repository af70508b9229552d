import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { main } from '../main.js';
import { credentialsFrom } from './defaultConnect.js';

const good = {
  TRAINWIRE_URL: 'ws://127.0.0.1:8765',
  TRAINWIRE_ROOM: 'lab',
  TRAINWIRE_TOKEN: 'a-room-token',
};

describe('credentials from TRAINWIRE_URL / TRAINWIRE_ROOM / TRAINWIRE_TOKEN', () => {
  it('takes valid values as a client of the room', async () => {
    expect(await credentialsFrom(fakeIo({ env: good }).io)).toEqual({
      signalingUrl: 'ws://127.0.0.1:8765',
      room: 'lab',
      credential: 'a-room-token',
      role: 'client',
    });
  });

  it('a URL that is not ws:// or wss:// is exit 2 naming TRAINWIRE_URL, before connecting', async () => {
    const t = fakeIo({ env: { ...good, TRAINWIRE_URL: 'http://127.0.0.1:8765' } });
    expect(await main(['jobs'], t.io)).toBe(2);
    expect(t.err()).toContain('TRAINWIRE_URL must be a ws:// or wss:// URL');
    expect(t.err()).toContain('http://127.0.0.1:8765');
  });

  it('names TRAINWIRE_ROOM and TRAINWIRE_TOKEN, and never prints the token', async () => {
    await expect(
      credentialsFrom(fakeIo({ env: { ...good, TRAINWIRE_ROOM: '' } }).io),
    ).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('TRAINWIRE_ROOM') });
    const short = credentialsFrom(fakeIo({ env: { ...good, TRAINWIRE_TOKEN: 'shhh' } }).io);
    await expect(short).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('TRAINWIRE_TOKEN must be 8 to 512 characters'),
    });
    await expect(short).rejects.not.toMatchObject({ message: expect.stringContaining('shhh') });
  });
});

describe('some of TRAINWIRE_URL / TRAINWIRE_ROOM / TRAINWIRE_TOKEN', () => {
  it('override the matching fields of the stored login, one by one', async () => {
    const home = await mkdtemp(join(tmpdir(), 'tw-home-'));
    const stored = ['--url', 'ws://10.0.0.5:8765', '--room', 'lab', '--token', 'stored-token'];
    expect(
      await main(['login', ...stored, '--no-check'], fakeIo({ env: { TRAINWIRE_HOME: home } }).io),
    ).toBe(0);
    expect(
      await credentialsFrom(fakeIo({ env: { TRAINWIRE_HOME: home, TRAINWIRE_ROOM: 'other' } }).io),
    ).toEqual({
      signalingUrl: 'ws://10.0.0.5:8765',
      room: 'other',
      credential: 'stored-token',
      role: 'client',
    });
  });

  it('without a stored login, name the missing variables (exit 2)', async () => {
    const home = await mkdtemp(join(tmpdir(), 'tw-home-'));
    const t = fakeIo({ env: { TRAINWIRE_HOME: home, TRAINWIRE_URL: 'ws://127.0.0.1:8765' } });
    expect(await main(['jobs'], t.io)).toBe(2);
    expect(t.err()).toContain(
      'TRAINWIRE_URL is set but TRAINWIRE_ROOM and TRAINWIRE_TOKEN are not, and there is no stored login',
    );
  });
});
