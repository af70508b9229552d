import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSignalingServer, type SignalingServer } from '@trainwire/transport-webrtc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { main } from '../main.js';

// The worker key stays out of the command line: a file only its owner reads, or the env.

describe('trainwire worker --key-file (real signaling server on loopback)', () => {
  let server: SignalingServer;
  let key: string;
  beforeAll(async () => {
    server = await createSignalingServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: await mkdtemp(join(tmpdir(), 'tw-signal-')),
      logger: () => undefined,
    });
    server.createRoom('lab');
    key = server.createCredential('lab', 'worker-key').secret;
  });
  afterAll(async () => {
    await server?.close();
  });

  async function keyFile(mode: number, text = `${key}\n`) {
    const path = join(await mkdtemp(join(tmpdir(), 'tw-key-')), 'worker.key');
    await writeFile(path, text);
    await chmod(path, mode);
    return path;
  }

  const argv = async (path: string) => [
    'worker',
    '--url',
    server.url,
    '--room',
    'lab',
    '--name',
    'gpu-k',
    '--key-file',
    path,
    '--data-dir',
    await mkdtemp(join(tmpdir(), 'tw-worker-')),
  ];

  it('refuses a key file other users can read, saying how to fix it', async () => {
    const t = fakeIo();
    expect(await main(await argv(await keyFile(0o644)), t.io)).toBe(2);
    expect(t.err()).toMatch(
      /can be read by other users \(mode 644\); run `chmod 600 .*worker\.key`/,
    );
  });

  it('refuses an empty key file and a missing one, in words', async () => {
    const empty = fakeIo();
    expect(await main(await argv(await keyFile(0o600, '\n')), empty.io)).toBe(2);
    expect(empty.err()).toContain('is empty; put the worker key in it');
    const missing = fakeIo();
    expect(await main(await argv('/nonexistent/worker.key'), missing.io)).toBe(2);
    expect(missing.err()).toContain('no such file or folder');
    expect(missing.err()).not.toContain('ENOENT');
  });

  it('goes online with the key from a 0600 file, and stops on Ctrl-C', async () => {
    const t = fakeIo();
    const running = main(await argv(await keyFile(0o600)), t.io);
    for (let i = 0; i < 100 && !t.out().includes('is online'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(t.out()).toContain('Worker gpu-k is online in room lab');
    t.interrupt();
    expect(await running).toBe(0);
    expect(t.err()).not.toContain('warning: --key');
  });

  it('--launcher slurm runs trainers as Slurm jobs with the config file’s slurm settings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tw-conf-'));
    const config = join(dir, 'worker.yaml');
    await writeFile(config, 'slurm: { partition: debug, timeLimit: "2:00:00" }\n');
    const refused = fakeIo();
    expect(
      await main([...(await argv(await keyFile(0o600))), '--config', config], refused.io),
    ).toBe(2);
    expect(refused.err()).toContain(
      'slurm settings are given but the launcher is local; add "launcher: slurm" (or pass --launcher slurm)',
    );
    const t = fakeIo();
    const running = main(
      [...(await argv(await keyFile(0o600))), '--config', config, '--launcher', 'slurm'],
      t.io,
    );
    for (let i = 0; i < 100 && !t.out().includes('is online'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(t.out()).toContain('Trainers: Slurm jobs (partition debug)');
    t.interrupt();
    expect(await running).toBe(0);
  });

  it('refuses a launcher it does not have, saying which it has', async () => {
    const t = fakeIo();
    expect(
      await main([...(await argv(await keyFile(0o600))), '--launcher', 'kubernetes'], t.io),
    ).toBe(2);
    expect(t.err()).toContain('--launcher takes local or slurm; got "kubernetes"');
  });
});
