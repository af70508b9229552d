import { mkdtempSync } from 'node:fs';
import { mkdtemp, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSignalingServer, type SignalingServer } from '@trainwire/transport-webrtc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { COMMANDS } from '../commands.js';
import { parseCommandArgs } from '../internal/args.js';
import { main } from '../main.js';
import { loginCommand } from './login.js';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );
const home = () => mkdtemp(join(tmpdir(), 'tw-home-'));

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe('trainwire login against a real signaling server on a loopback port', () => {
  let server: SignalingServer;
  let token: string;
  let workerKey: string;
  beforeAll(async () => {
    server = await createSignalingServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'tw-signal-')),
    });
    server.createRoom('lab');
    token = server.createCredential('lab', 'room-token', 'login test').secret;
    workerKey = server.createCredential('lab', 'worker-key', 'login test').secret;
  });
  afterAll(() => server?.close());

  it('checks the credentials, stores them readable only by the user, never prints the secret', async () => {
    const dir = await home();
    const t = fakeIo({ env: { TRAINWIRE_HOME: dir } });
    expect(
      await main(['login', '--url', server.url, '--room', 'lab', '--token', token], t.io),
    ).toBe(0);
    expect(t.out()).toContain(
      `Logged in to room lab at ${server.url}: the server accepted the token.`,
    );
    const info = await stat(join(dir, 'credentials.json'));
    expect(info.mode & 0o777).toBe(0o600);
    expect(await main(['whoami'], t.io)).toBe(0);
    expect(t.out()).toContain(`client in room lab at ${server.url}`);
    expect(t.out()).not.toContain(token);
    expect(await main(['logout'], t.io)).toBe(0);
    expect(await main(['whoami'], t.io)).toBe(2);
  });

  it('a worker key logs in with --role worker', async () => {
    const t = fakeIo({ env: { TRAINWIRE_HOME: await home() } });
    const argv = ['login', '--url', server.url, '--room', 'lab', '--token', workerKey];
    expect(await main([...argv, '--role', 'worker', '--json'], t.io)).toBe(0);
    expect(JSON.parse(t.out())).toMatchObject({ room: 'lab', checked: true });
  });

  it('a bogus token is exit 3, says the server refused it, and saves nothing', async () => {
    const dir = await home();
    const t = fakeIo({ env: { TRAINWIRE_HOME: dir } });
    const argv = ['login', '--url', server.url, '--room', 'lab', '--token', 'not-the-token'];
    expect(await main(argv, t.io)).toBe(3);
    expect(t.err()).toContain(
      `the signaling server at ${server.url} refused the room token for room lab: check --room and --token`,
    );
    expect(t.err()).toContain('Nothing was saved.');
    expect(t.out()).not.toContain('Logged in');
    expect(await exists(join(dir, 'credentials.json'))).toBe(false);
  });

  it('an unknown room is exit 3 and reads like a refused token (rooms cannot be probed)', async () => {
    const dir = await home();
    const t = fakeIo({ env: { TRAINWIRE_HOME: dir } });
    expect(
      await main(['login', '--url', server.url, '--room', 'nope', '--token', token], t.io),
    ).toBe(3);
    expect(t.err()).toContain(
      `the signaling server at ${server.url} refused the room token for room nope: check --room and --token`,
    );
    expect(await exists(join(dir, 'credentials.json'))).toBe(false);
  });

  it('a wrong port is exit 3 saying the server cannot be reached (not that it refused)', async () => {
    const dir = await home();
    const url = `ws://127.0.0.1:${await closedPort()}`;
    const t = fakeIo({ env: { TRAINWIRE_HOME: dir } });
    expect(
      await main(['login', '--url', url, '--room', 'lab', '--token', token, '--json'], t.io),
    ).toBe(3);
    expect(JSON.parse(t.out())).toMatchObject({
      error: {
        code: 'signaling_unreachable',
        message: expect.stringContaining(
          `cannot reach a signaling server at ${url}: check the URL and port`,
        ),
      },
    });
    expect(await exists(join(dir, 'credentials.json'))).toBe(false);
  });

  it('a server that never answers is exit 3 once the deadline passes', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const url = `ws://127.0.0.1:${(silent.address() as { port: number }).port}`;
    try {
      const dir = await home();
      const login = COMMANDS.find((c) => c.name === 'login')!;
      const t = fakeIo({ env: { TRAINWIRE_HOME: dir } });
      await expect(
        loginCommand(
          parseCommandArgs(login, ['--url', url, '--room', 'lab', '--token', token]),
          t.io,
          { checkTimeoutMs: 300 },
        ),
      ).rejects.toMatchObject({
        exitCode: 3,
        message: expect.stringContaining(`no answer from ${url} within 300 ms`),
      });
      expect(await exists(join(dir, 'credentials.json'))).toBe(false);
    } finally {
      silent.close();
    }
  });

  it('--no-check saves without asking any server', async () => {
    const dir = await home();
    const t = fakeIo({ env: { TRAINWIRE_HOME: dir } });
    const url = `ws://127.0.0.1:${await closedPort()}`;
    expect(
      await main(['login', '--url', url, '--room', 'lab', '--token', token, '--no-check'], t.io),
    ).toBe(0);
    expect(t.out()).toContain('without checking them (--no-check)');
    expect(await exists(join(dir, 'credentials.json'))).toBe(true);
  });
});

describe('trainwire login flags', () => {
  it('without a terminal, a missing flag fails at once with exit 2 naming it', async () => {
    const t = fakeIo({ env: { TRAINWIRE_HOME: await home() } });
    expect(await main(['login', '--url', 'ws://127.0.0.1:1'], t.io)).toBe(2);
    expect(t.err()).toContain('missing --room');
  });

  it('refuses a URL that is not ws://, naming --url', async () => {
    const t = fakeIo({ env: { TRAINWIRE_HOME: await home() } });
    expect(
      await main(['login', '--url', 'http://x', '--room', 'r', '--token', 'long-enough'], t.io),
    ).toBe(2);
    expect(t.err()).toContain('bad --url');
    expect(t.err()).toContain('ws://');
  });
});
