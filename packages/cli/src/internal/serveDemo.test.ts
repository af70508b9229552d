import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoPageUrl } from '../commands/up.js';
import { BUILD_DEMO_COMMAND, serveDemo } from './serveDemo.js';

/** A raw GET (fetch would normalise `..` away before it reaches the server). */
function get(url: string, path: string) {
  return new Promise<{ status: number; type: string | undefined; body: string }>(
    (resolve, reject) => {
      const { hostname, port } = new URL(url);
      const req = request({ hostname, port, path, method: 'GET' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('serveDemo', () => {
  it('serves the built page and its assets on loopback, nothing outside the folder', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tw-demo-dist-'));
    await mkdir(join(root, 'assets'));
    await writeFile(join(root, 'index.html'), '<!doctype html><title>demo</title>');
    await writeFile(join(root, 'assets', 'main.js'), 'console.log(1)');
    await writeFile(join(root, '..', 'secret.txt'), 'no');
    const served = await serveDemo({ root });
    if (typeof served === 'string') throw new Error(served);
    try {
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(await get(served.url, '/?signal=ws://x&room=local')).toMatchObject({
        status: 200,
        type: 'text/html; charset=utf-8',
        body: '<!doctype html><title>demo</title>',
      });
      expect(await get(served.url, '/assets/main.js')).toMatchObject({
        status: 200,
        type: 'text/javascript; charset=utf-8',
      });
      expect((await get(served.url, '/../secret.txt')).status).toBe(404);
      expect((await get(served.url, '/%2e%2e/secret.txt')).status).toBe(404);
      expect((await get(served.url, '/missing.js')).status).toBe(404);
    } finally {
      await served.close();
    }
  });

  it('says how to build the page when it is not built, and does not throw', async () => {
    const root = join(await mkdtemp(join(tmpdir(), 'tw-demo-none-')), 'dist');
    const reason = await serveDemo({ root });
    expect(reason).toBe(
      `the demo page is not built (no ${join(root, 'index.html')}): run \`${BUILD_DEMO_COMMAND}\` and start again`,
    );
  });

  it('a taken port is a sentence, not a crash', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tw-demo-dist-'));
    await writeFile(join(root, 'index.html'), 'x');
    const first = await serveDemo({ root });
    if (typeof first === 'string') throw new Error(first);
    try {
      const port = Number(new URL(first.url).port);
      expect(await serveDemo({ root, port })).toMatch(
        new RegExp(`^cannot serve the demo page on 127\\.0\\.0\\.1:${port}: `),
      );
    } finally {
      await first.close();
    }
  });

  it('fills the page query with the room', () => {
    expect(
      demoPageUrl('http://127.0.0.1:5000/', {
        url: 'ws://127.0.0.1:4000',
        room: 'local',
        token: 'a+b',
      }),
    ).toBe('http://127.0.0.1:5000/?signal=ws%3A%2F%2F127.0.0.1%3A4000&room=local&token=a%2Bb');
  });
});
