import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { main } from '../main.js';

describe('trainwire login / whoami / logout', () => {
  it('stores credentials readable only by the user and never prints the secret', async () => {
    const home = await mkdtemp(join(tmpdir(), 'tw-home-'));
    const t = fakeIo({ env: { TRAINWIRE_HOME: home } });
    expect(
      await main(
        ['login', '--url', 'ws://127.0.0.1:8765', '--room', 'lab', '--token', 'secret-token-123'],
        t.io,
      ),
    ).toBe(0);
    const info = await stat(join(home, 'credentials.json'));
    expect(info.mode & 0o777).toBe(0o600);
    expect(await main(['whoami'], t.io)).toBe(0);
    expect(t.out()).toContain('client in room lab at ws://127.0.0.1:8765');
    expect(t.out()).not.toContain('secret-token-123');
    expect(await main(['logout'], t.io)).toBe(0);
    expect(await main(['whoami'], t.io)).toBe(2);
  });

  it('without a terminal, a missing flag fails at once with exit 2 naming it', async () => {
    const t = fakeIo({ env: { TRAINWIRE_HOME: await mkdtemp(join(tmpdir(), 'tw-home-')) } });
    expect(await main(['login', '--url', 'ws://127.0.0.1:1'], t.io)).toBe(2);
    expect(t.err()).toContain('missing --room');
  });

  it('refuses a URL that is not ws://', async () => {
    const t = fakeIo({ env: { TRAINWIRE_HOME: await mkdtemp(join(tmpdir(), 'tw-home-')) } });
    expect(
      await main(['login', '--url', 'http://x', '--room', 'r', '--token', 'long-enough'], t.io),
    ).toBe(2);
    expect(t.err()).toContain('ws://');
  });
});
