import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const app = fileURLToPath(new URL('..', import.meta.url));
const dist = join(app, 'dist');
// The docs' screenshots are rewritten only when asked (TRAINWIRE_UPDATE_SCREENSHOTS=1), so a
// test run leaves the checkout clean; otherwise they go to a temporary folder to look at.
const images =
  process.env.TRAINWIRE_UPDATE_SCREENSHOTS === '1'
    ? fileURLToPath(new URL('../../../docs/images/', import.meta.url))
    : mkdtempSync(join(tmpdir(), 'trainwire-screenshots-'));
const EPOCHS = 3;

/**
 * Chromium ignores the loopback interface for WebRTC, so, as transport-webrtc's Chromium
 * test does, this test makes a network namespace with a veth pair and runs Chromium, the
 * signaling server, the worker and the page's HTTP server in it. What it needs is
 * installed by scripts/ensure-test-deps.sh; when something is missing the test fails
 * saying what, instead of skipping.
 */
function whyNot(): string | undefined {
  if (!existsSync(CHROMIUM))
    return `no Chromium at ${CHROMIUM}: run scripts/ensure-test-deps.sh (apt-get install chromium)`;
  if (process.platform !== 'linux') return 'the test needs Linux network namespaces';
  if (process.getuid?.() !== 0) return 'creating a network namespace needs root';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'the `ip` command (iproute2) is missing: apt-get install iproute2';
  }
  return undefined;
}

describe('demo host in Chromium, against a real signaling server and worker', () => {
  const ns = `tw-demo-${process.pid}`;
  const ip = (...args: string[]) => execFileSync('ip', ['netns', 'exec', ns, 'ip', ...args]);
  let dir: string | undefined;
  let peer: ChildProcess | undefined;
  let browser: Browser | undefined;
  let room: { signal: string; room: string; token: string; page: string };
  let nsMade = false;

  beforeAll(async () => {
    const reason = whyNot();
    if (reason) throw new Error(`[demo-host] cannot run the Chromium test: ${reason}`);
    dir = mkdtempSync(join(tmpdir(), 'tw-demo-host-'));
    const vite = join(app, 'node_modules/.bin/vite');
    const viteBin = existsSync(vite) ? vite : join(app, '../../node_modules/.bin/vite');
    if (!existsSync(join(dist, 'index.html')))
      execFileSync(viteBin, ['build', '--logLevel', 'warn'], { cwd: app, stdio: 'inherit' });
    const bare = join(dir, 'without-optional');
    execFileSync(
      viteBin,
      ['build', '--mode', 'without-optional', '--outDir', bare, '--logLevel', 'warn'],
      { cwd: app, stdio: 'inherit' },
    );
    execFileSync('ip', ['netns', 'add', ns]);
    nsMade = true;
    ip('link', 'set', 'lo', 'up');
    ip('link', 'add', 'tw0', 'type', 'veth', 'peer', 'name', 'tw1');
    ip('addr', 'add', '10.214.0.1/24', 'dev', 'tw0');
    ip('addr', 'add', '10.214.0.2/24', 'dev', 'tw1');
    ip('link', 'set', 'tw0', 'up');
    ip('link', 'set', 'tw1', 'up');
    const wrapper = join(dir, 'chromium-in-netns.sh');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROMIUM} "$@"\n`, {
      mode: 0o755,
    });
    peer = spawn(
      'ip',
      [
        'netns',
        'exec',
        ns,
        process.execPath,
        join(app, 'test/fixtures/demoPeer.mjs'),
        '10.214.0.1',
        dist,
        bare,
      ],
      { cwd: app, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [line] = (await once(createInterface({ input: peer.stdout! }), 'line')) as [string];
    room = JSON.parse(line);
    browser = await chromium.launch({
      executablePath: wrapper,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    mkdirSync(images, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (peer && peer.exitCode === null) {
      peer.kill('SIGTERM');
      await once(peer, 'exit');
    }
    try {
      if (nsMade) execFileSync('ip', ['netns', 'del', ns]);
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  const pageUrl = (base = room.page) =>
    `${base}?${new URLSearchParams({ signal: room.signal, room: room.room, token: room.token, epochs: String(EPOCHS) })}`;

  // Uncaught errors in the page, checked at the end of each test.
  const errors: string[] = [];
  const open = async (url: string): Promise<Page> => {
    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('pageerror', (error) => errors.push(error.stack ?? error.message));
    await page.goto(url);
    await page.getByRole('heading', { name: 'Lab Notebook' }).waitFor();
    return page;
  };

  it('flag off: the host page without the panel; flag on: the panel lists the worker; Run: every epoch, completed', async () => {
    const page = await open(pageUrl());
    const flag = page.getByRole('switch', { name: 'Enable experimental features' });
    await expect.poll(() => flag.isEnabled()).toBe(true);
    expect(await flag.isChecked()).toBe(false);
    expect(await page.getByRole('heading', { name: 'Projects' }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Remote Training' }).count()).toBe(0);
    await page.screenshot({ path: join(images, 'demo-flag-off.png'), fullPage: true });

    await flag.check();
    await page.getByRole('heading', { name: 'Remote Training' }).waitFor();
    const picker = page.getByRole('combobox', { name: 'Worker' });
    await expect
      .poll(() => picker.locator('option').allTextContents(), { timeout: 20_000 })
      .toContainEqual(expect.stringContaining('demo-worker'));
    await page.screenshot({ path: join(images, 'demo-panel.png'), fullPage: true });

    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const monitor = page.getByRole('region', { name: 'Training Monitor - Remote (demo-worker)' });
    await monitor.waitFor({ timeout: 20_000 });
    const chart = monitor.getByTestId('loss-chart');
    await expect
      .poll(() => monitor.getByText('Completed', { exact: true }).count(), { timeout: 30_000 })
      .toBe(1);
    expect(await chart.getAttribute('data-points')).toBe(String(EPOCHS));
    expect(await monitor.getByText(`Epoch ${EPOCHS}/${EPOCHS}`).count()).toBe(1);
    expect(await monitor.locator('canvas').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(images, 'demo-monitor.png'), fullPage: true });

    // The switch saved in localStorage: a reload comes back with it on; off removes the panel.
    await page.reload();
    await page.getByRole('heading', { name: 'Remote Training' }).waitFor();
    await flag.uncheck();
    expect(await page.getByRole('heading', { name: 'Remote Training' }).count()).toBe(0);
    await page.close();
    expect(errors).toEqual([]);
  }, 60_000);

  it('built without the optional packages: the host works and says why there is no panel', async () => {
    const page = await open(pageUrl(`${room.page}bare/`));
    const flag = page.getByRole('switch', { name: 'Enable experimental features' });
    await expect.poll(() => flag.isEnabled()).toBe(true);
    await flag.check();
    const reason = page.getByTestId('unavailable-reason');
    await reason.waitFor();
    expect(await reason.textContent()).toMatch(
      /Remote training is unavailable: @trainwire\/ui-react is not installed/,
    );
    expect(await page.getByRole('heading', { name: 'Projects' }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Remote Training' }).count()).toBe(0);
    await page.close();
    expect(errors).toEqual([]);
  }, 30_000);
});
