import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

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
const CLI = fileURLToPath(new URL('../../../packages/cli/bin/trainwire.js', import.meta.url));

/** Splits a command line as a POSIX shell would (words, '…' quotes), for the resume command. */
function shellWords(line: string): string[] {
  return [...line.trim().matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) =>
    m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!,
  );
}

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
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(images, `${name}.png`), fullPage: true });

  // One page for the panel's cases, in the order a user meets them.
  let page: Page;
  // What the page showed when a case failed, to look at (never into docs/images).
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail' || page === undefined || page.isClosed()) return;
    const to = join(
      tmpdir(),
      `trainwire-failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}.png`,
    );
    await page.screenshot({ path: to, fullPage: true }).catch(() => undefined);
    console.error(`[demo-host] the page at the failure: ${to}`);
  });
  const monitor = () =>
    page.getByRole('region', { name: 'Training Monitor - Remote (demo-worker)' });
  // The chart counts its points in an effect after the render that shows them: a status
  // can be on screen one render before the count catches up, so read it with a poll.
  const points = async () =>
    Number(await monitor().getByTestId('loss-chart').getAttribute('data-points'));
  const batchPoints = async () =>
    Number(await monitor().getByTestId('loss-chart').getAttribute('data-batch-points'));
  /** Fills the host's own training form and presses the panel's Run. */
  const runJob = async (job: { profile?: string; dataset?: string; config?: object }) => {
    await page.getByRole('tab', { name: 'Training' }).click();
    await page.getByLabel('Trainer profile').fill(job.profile ?? 'builtin');
    await page.getByLabel('Dataset on this machine (optional)').fill(job.dataset ?? '');
    await page
      .getByLabel('Config (JSON or YAML)')
      .fill(JSON.stringify(job.config ?? { epochs: EPOCHS, batchSize: 64 }));
    const run = page.getByRole('button', { name: 'Run', exact: true });
    await expect.poll(() => run.isEnabled(), { timeout: 20_000 }).toBe(true);
    await run.click();
  };
  const finished = (text: string | RegExp, timeout = 30_000) =>
    monitor().getByRole('status').filter({ hasText: text }).waitFor({ timeout });

  it('flag off: the host page without the panel; flag on: the panel; choose a worker', async () => {
    page = await open(pageUrl());
    const flag = page.getByRole('switch', { name: 'Enable experimental features' });
    await expect.poll(() => flag.isEnabled()).toBe(true);
    expect(await flag.isChecked()).toBe(false);
    expect(await page.getByRole('heading', { name: 'Projects' }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Remote Training' }).count()).toBe(0);
    await shot(page, 'demo-flag-off');

    await flag.check();
    // A first visit opens on the dashboard, which welcomes a worker that never trained.
    const welcome = page.getByRole('region', { name: 'Welcome' });
    await welcome.waitFor({ timeout: 20_000 });
    expect(await welcome.textContent()).toContain('Nothing has been trained on this worker yet.');
    const system = page.getByRole('region', { name: 'Worker', exact: true });
    expect(await system.textContent()).toMatch(
      /^Workerdemo-worker \(available\)CPU.+ cores?Memory.+GPU/,
    );
    // The worker's readiness checks (each trainer's self-check) answer before the shot.
    await page
      .getByRole('region', { name: 'Training', exact: true })
      .getByText(/^Ready to train \(/)
      .waitFor({ timeout: 40_000 });
    await shot(page, 'demo-dashboard-welcome');
    await page.getByRole('tab', { name: 'Training' }).click();
    await page.getByRole('heading', { name: 'Remote Training' }).waitFor();
    await page.getByRole('radio', { name: 'Choose worker:' }).check();
    const picker = page.getByRole('combobox', { name: 'Worker' });
    await expect
      .poll(() => picker.locator('option').allTextContents(), { timeout: 20_000 })
      .toContainEqual(expect.stringContaining('demo-worker'));
    await picker.selectOption({ label: (await picker.locator('option').first().textContent())! });
    const details = page.getByRole('region', { name: 'Selected worker' });
    expect(await details.getByText('demo-worker', { exact: true }).count()).toBe(1);
    await shot(page, 'demo-panel');
    expect(errors).toEqual([]);
  }, 60_000);

  it('the dashboard: a first training in one click, live; continued, with its lineage; its models registered and set active', async () => {
    const tab = (name: string) => page.getByRole('tab', { name });
    await tab('Dashboard').click();
    const dashboard = page.getByRole('region', { name: 'Dashboard' });
    // Every text Recent Activity shows, so the test sees the job live however fast it runs.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        const text = document.querySelector('[aria-label="Recent Activity"]')?.textContent;
        if (text && text !== seen.at(-1)) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await dashboard.getByRole('button', { name: 'Start your first training' }).click();
    const activity = dashboard.getByRole('region', { name: 'Recent Activity' });
    await activity.getByText('Remote Training Completed Successfully').waitFor({ timeout: 30_000 });
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen).toContainEqual(
      expect.stringMatching(
        /^Recent ActivityQuick run 1 — Running on demo-worker.*Epoch [1-8]\/8 · ETA .*Stop$/,
      ),
    );
    expect(await activity.textContent()).toContain('Trained 8 epochs.');
    const recent = dashboard.getByRole('region', { name: 'Recent Experiments' });
    const row = recent.getByRole('row', { name: /Quick run 1 completed/ });
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toMatch(/train\/loss \d/);
    const artifacts = dashboard.getByRole('region', { name: 'Latest Artifacts' });
    await artifacts.getByRole('listitem').first().waitFor({ timeout: 20_000 });
    expect(await artifacts.textContent()).toMatch(
      /(checkpoint|model) \S+ · [\d.]+ (B|KiB|MiB) .*from Quick run 1/,
    );
    await shot(page, 'demo-dashboard');

    // Resume: a child experiment continuing from the run's last checkpoint, 8 epochs more.
    await row.getByRole('button', { name: 'Resume Quick run 1' }).click();
    const child = recent.getByRole('row', { name: /Quick run 1 \(continued\) completed/ });
    await child.waitFor({ timeout: 30_000 });
    expect(await activity.textContent()).toMatch(
      /Trained to epoch 16 of 16 \(resumed at epoch 9\)/,
    );
    await tab('Experiments').click();
    const table = page.getByRole('region', { name: 'Experiments', exact: true });
    await table.getByRole('button', { name: 'Lineage of Quick run 1 (continued)' }).click();
    const lineage = table.getByRole('region', { name: 'Lineage of Quick run 1 (continued)' });
    const nodes = lineage.getByRole('listitem');
    await expect.poll(() => nodes.count(), { timeout: 10_000 }).toBe(2);
    expect(await nodes.first().locator('> .tw-lineage-node').textContent()).toBe(
      'Quick run 1 · completed',
    );
    const nested = nodes.first().getByRole('listitem');
    expect(await nested.textContent()).toMatch(
      /^Quick run 1 \(continued\) · completed · continued from \S+ \(this one\)$/,
    );
    expect(await nested.getAttribute('aria-current')).toBe('true');
    await shot(page, 'demo-experiments-lineage');

    // Both runs registered as versions of one model; Set active moves the badge, and the
    // page's own subscriber (the host's "Model in use") hears model.activated each time.
    await tab('Models').click();
    const models = page.getByRole('region', { name: 'Models', exact: true });
    const form = models.getByRole('form', { name: 'Register a model' });
    const name = form.getByRole('textbox', { name: 'Model name' });
    const experiment = form.getByRole('combobox', { name: 'Completed experiment' });
    for (const [from, version] of [
      ['Quick run 1', 1],
      ['Quick run 1 (continued)', 2],
    ] as const) {
      await experiment.selectOption({ label: from });
      await name.fill('quick-model');
      await form.getByRole('button', { name: 'Register' }).click();
      await form
        .getByText(`Registered quick-model version ${version} from ${from}.`)
        .waitFor({ timeout: 10_000 });
    }
    const versions = models.getByRole('table', { name: 'quick-model' });
    const badge = (version: number) =>
      versions.getByRole('row', { name: new RegExp(`^v${version} `) }).locator('.tw-badge');
    const inUse = page.getByRole('status', { name: 'Model in use' });
    for (const version of [1, 2]) {
      await models
        .getByRole('button', { name: `Set quick-model version ${version} active` })
        .click();
      await badge(version).waitFor({ timeout: 10_000 });
      expect(await badge(version === 1 ? 2 : 1).count()).toBe(0);
      await expect
        .poll(() => inUse.textContent(), { timeout: 10_000 })
        .toBe(`Model in use: quick-model version ${version}, swapped in on the worker’s notice.`);
    }
    await shot(page, 'demo-models');
    expect(errors).toEqual([]);
  }, 90_000);

  it('the training menu: a dataset generated, a model made with the wizard and trained, then fine-tuned on the dataset, locked while it runs', async () => {
    const tab = (name: string) => page.getByRole('tab', { name });
    await tab('Dashboard').click();
    const dashboard = page.getByRole('region', { name: 'Dashboard' });
    const menu = dashboard.getByRole('region', { name: 'Training' });
    // The worker's own readiness: the built-in trainer is there.
    await menu.getByText(/^Ready to train \(.*builtin.*\)\. GPU: /).waitFor({ timeout: 20_000 });

    // Synthetic data: a job of its own, whose file becomes a dataset artifact on the worker.
    await menu.getByRole('button', { name: 'Generate synthetic data…' }).click();
    const data = page.getByRole('dialog', { name: 'Generate Synthetic Data' });
    await data.getByLabel('Samples').fill('3000');
    await data.getByLabel('Name', { exact: true }).fill('demo spirals');
    expect(
      await data.getByText("Saved as demo-spirals.csv in the worker's datasets folder").count(),
    ).toBe(1);
    await data.getByRole('button', { name: 'Generate' }).click();
    const written = data.getByText(
      /^Dataset written: demo-spirals\.csv \([\d.]+ KiB\) on the worker\.$/,
    );
    await written.waitFor({ timeout: 30_000 });
    expect(await data.textContent()).toMatch(
      /Path on the worker: \/\S+\/datasets\/demo-spirals\.csv/,
    );
    await shot(page, 'demo-synthetic-data');
    await data.getByRole('button', { name: 'Close' }).click();

    // The wizard: the name as it will be saved, the worker's estimate next to each preset
    // (two quick runs so far, from the dashboard's case).
    await menu.getByRole('button', { name: 'New model…' }).click();
    const wizard = page.getByRole('dialog', { name: 'New Model' });
    await wizard.getByLabel('Model name').fill('Mouse pose #2');
    await wizard.getByText('Saved as Mouse-pose-2').waitFor();
    const presets = wizard.getByRole('group', { name: 'Preset' });
    const quick = presets.getByRole('radio', {
      name: /^Quick — 8 epochs · about .+ \(from \d+ runs?\)$/,
    });
    await quick.waitFor({ timeout: 10_000 });
    expect(await presets.getByRole('radio').count()).toBe(3);
    expect(await wizard.getByLabel('Device').locator('option').allTextContents()).toContain('CPU');
    await wizard.getByRole('spinbutton', { name: 'Epochs' }).fill('3');
    await shot(page, 'demo-new-model');
    await wizard.getByRole('button', { name: 'Start training' }).click();
    const activity = dashboard.getByRole('region', { name: 'Recent Activity' });
    await activity.getByText(/^Mouse-pose-2 — /).waitFor({ timeout: 20_000 });
    await activity.getByText('Remote Training Completed Successfully').waitFor({ timeout: 30_000 });
    expect(await activity.textContent()).toContain('Trained 3 epochs.');

    // The worker registered the run's model under its name, active: fine-tune it.
    await tab('Models').click();
    const models = page.getByRole('region', { name: 'Models', exact: true });
    const versions = models.getByRole('table', { name: 'Mouse-pose-2' });
    await versions
      .getByRole('row', { name: /^v1 / })
      .locator('.tw-badge')
      .waitFor({ timeout: 20_000 });
    await models.getByRole('button', { name: 'Fine-tune Mouse-pose-2 version 1' }).click();
    const fineTune = page.getByRole('dialog', { name: 'Fine-Tune Current Model' });
    expect(await fineTune.getByRole('status', { name: 'Model' }).textContent()).toMatch(
      /^Locked: Mouse-pose-2 version 1 \(active\)/,
    );
    const dataset = fineTune.getByLabel('Dataset');
    await expect
      .poll(() => dataset.locator('option').allTextContents(), { timeout: 10_000 })
      .toContain('demo-spirals.csv');
    await dataset.selectOption({ label: 'demo-spirals.csv' });
    const epochs = fineTune.getByRole('spinbutton', { name: 'Epochs' });
    expect(await epochs.getAttribute('placeholder')).toBe('3');
    await epochs.fill('40');
    await shot(page, 'demo-fine-tune');
    await fineTune.getByRole('button', { name: 'Start fine-tuning' }).click();

    // While it runs the active version is locked: not swapped, not deleted.
    const progress = models.getByRole('region', { name: 'Fine-tuning' });
    const lock = versions.getByRole('row', { name: /^v1 / }).getByText('Locked: fine-tuning');
    await lock.waitFor({ timeout: 20_000 });
    await shot(page, 'demo-fine-tuning');
    expect(await progress.textContent()).toMatch(/^Fine-tuningMouse-pose-2 — (Starting|Running)/);
    expect(
      await models.getByRole('button', { name: 'Delete Mouse-pose-2 version 1' }).isDisabled(),
    ).toBe(true);
    await progress.getByText('Remote Training Completed Successfully').waitFor({ timeout: 60_000 });
    // The result is the model's next version, made active; the host's subscriber swaps it in.
    await versions
      .getByRole('row', { name: /^v2 / })
      .locator('.tw-badge')
      .waitFor({ timeout: 20_000 });
    expect(await lock.count()).toBe(0);
    await expect
      .poll(() => page.getByRole('status', { name: 'Model in use' }).textContent(), {
        timeout: 10_000,
      })
      .toBe('Model in use: Mouse-pose-2 version 2, swapped in on the worker’s notice.');
    expect(errors).toEqual([]);
  }, 120_000);

  it('predict: a quick model trained, then run over synthetic samples; the items followed, the predictions offered and downloaded verified', async () => {
    const tab = (name: string) => page.getByRole('tab', { name });
    await tab('Dashboard').click();
    const dashboard = page.getByRole('region', { name: 'Dashboard' });
    const activity = dashboard.getByRole('region', { name: 'Recent Activity' });
    const quick = dashboard.getByRole('region', { name: 'Quick Start' });
    const train = quick.getByRole('button', { name: 'Start training' });
    await expect.poll(() => train.isEnabled(), { timeout: 20_000 }).toBe(true);
    await train.click();
    await activity
      .getByText(/^Quick run \d+ — Completed on demo-worker$/)
      .waitFor({ timeout: 30_000 });

    // The training menu's Predict… starts from the newest active model: the quick run's.
    const menu = dashboard.getByRole('region', { name: 'Training' });
    const open = menu.getByRole('button', { name: 'Predict…' });
    await expect.poll(() => open.isEnabled(), { timeout: 20_000 }).toBe(true);
    await open.click();
    const dialog = page.getByRole('dialog', { name: 'Predict' });
    const model = dialog.getByRole('combobox', { name: 'Model' });
    await expect
      .poll(() => model.locator('option:checked').textContent(), { timeout: 10_000 })
      .toMatch(/^Quick run \d+ version 1 \(active\) · \S+$/);
    expect(await dialog.getByRole('radio', { name: /^Synthetic samples/ }).isChecked()).toBe(true);
    await dialog.getByRole('spinbutton', { name: 'Samples' }).fill('30000');
    // Every text the dialog shows, so the test sees the items however fast they go.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { predicted: string[] }).predicted = seen;
      new MutationObserver(() => {
        const text = document.querySelector('.tw-predict .tw-items-line')?.textContent;
        if (text && text !== seen.at(-1)) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await dialog.getByRole('button', { name: 'Start predicting' }).click();
    const offered = dialog.getByRole('region', { name: 'Predictions' });
    await offered.waitFor({ timeout: 60_000 });
    const predicted = await page.evaluate(
      () => (window as unknown as { predicted: string[] }).predicted,
    );
    expect(predicted.at(-1)).toMatch(
      /^Predicted 30000\/30000 items · [\d.]+ items\/s · 0:00 left$/,
    );
    expect(predicted.length).toBeGreaterThan(1);
    expect(await dialog.textContent()).toContain(
      'Predictions Ready. Predicted 30000 of 30000 items.',
    );
    expect(await offered.textContent()).toMatch(
      /predictions\.jsonl · [\d.]+ (KiB|MiB) on the worker · SHA-256 [0-9a-f]{12}…/,
    );
    // Download: core's fetchPredictions into the page, checked against the registered SHA-256.
    await offered.getByRole('button', { name: 'Download predictions.jsonl' }).click();
    await offered
      .getByText(/^Downloaded predictions\.jsonl \([\d.]+ (KiB|MiB)\), SHA-256 verified\.$/)
      .waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      offered.getByRole('link', { name: 'Save predictions.jsonl' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('predictions.jsonl');
    const saved = join(dir!, 'predictions.jsonl');
    await download.saveAs(saved);
    const lines = readFileSync(saved, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(30_000);
    expect(JSON.parse(lines[0]!)).toMatchObject({ index: 0, label: expect.any(String) });
    expect(
      await offered.getByRole('button', { name: 'Copy the path of predictions.jsonl' }).count(),
    ).toBe(1);
    await shot(page, 'demo-predict');
    await dialog.getByRole('button', { name: 'Close' }).click();
    expect(errors).toEqual([]);
  }, 120_000);

  it('a two-stage pipeline: the chart titled with each stage in turn, started afresh, the finished stage listed', async () => {
    await page.getByRole('tab', { name: 'Training' }).click();
    await page.getByRole('button', { name: 'Two-stage run' }).click();
    expect(await page.getByLabel('Trainer profile').inputValue()).toBe('pipeline');
    await page.evaluate(() => {
      const titles: string[] = [];
      (window as unknown as { titles: string[] }).titles = titles;
      new MutationObserver(() => {
        const text = document.querySelector('.tw-monitor .tw-stage-title')?.textContent;
        if (text && text !== titles.at(-1)) titles.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const run = page.getByRole('button', { name: 'Run', exact: true });
    await expect.poll(() => run.isEnabled(), { timeout: 20_000 }).toBe(true);
    await run.click();
    await monitor().waitFor({ timeout: 20_000 });
    await finished(`Trained 2 of 2 stages (centered_instance: ${EPOCHS} epochs).`, 60_000);
    const titles = await page.evaluate(() => (window as unknown as { titles: string[] }).titles);
    expect(titles).toEqual(['Stage 1/2: centroid', 'Stage 2/2: centered_instance']);
    // The chart is the last stage's alone; the first is listed with its final losses.
    await expect.poll(points, { timeout: 2_000 }).toBe(EPOCHS);
    const stages = monitor().getByRole('region', { name: 'Finished stages' });
    expect(await stages.getByRole('listitem').allTextContents()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Stage 1/2: centroid — Epoch ${EPOCHS}/${EPOCHS} · Train loss \\d\\.\\d{4} · Val loss \\d\\.\\d{4}$`,
        ),
      ),
    ]);
    expect(await monitor().getByText(`Epoch ${EPOCHS}/${EPOCHS}`, { exact: true }).count()).toBe(1);
    await shot(page, 'demo-pipeline');
    expect(errors).toEqual([]);
  }, 90_000);

  it('a config with errors: the validation dialog lists each field, and nothing runs', async () => {
    await runJob({ config: { epochs: 0, learningRate: -1 } });
    const dialog = page.getByRole('alertdialog', { name: 'Configuration Validation Failed' });
    await dialog.waitFor({ timeout: 20_000 });
    const text = await dialog.textContent();
    expect(text).toContain('epochs');
    expect(text).toContain('epochs must be at least 1');
    expect(text).toContain('learningRate must be greater than 0');
    await shot(page, 'demo-config-errors');
    await dialog.getByRole('button', { name: 'OK' }).click();
    expect(await monitor().count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);

  it('a missing input: Browse the worker, pick the file, Continue; the chart shows every epoch', async () => {
    await runJob({ dataset: '/Users/me/data/spirals/spirals.csv' });
    const dialog = page.getByRole('dialog', { name: 'Video Path Resolution Required' });
    await dialog.waitFor({ timeout: 20_000 });
    // Outside the worker's mounts: "✗ Not allowed" (the worker's word), else "✗ Missing".
    expect(await dialog.getByRole('row', { name: /spirals\.csv/ }).textContent()).toMatch(
      /✗ (Missing|Not allowed)/,
    );
    const resolved = dialog.getByRole('button', { name: 'Continue with Resolved' });
    expect(await resolved.isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Browse the worker for spirals.csv' }).click();
    const tree = dialog.getByRole('navigation', { name: 'Folders on the worker for spirals.csv' });
    await tree.getByRole('button', { name: 'data/' }).click();
    await tree.getByRole('button', { name: 'spirals/' }).click();
    await tree.getByText('name match').waitFor();
    await shot(page, 'demo-path-browse');
    await tree.getByRole('button', { name: 'spirals.csv' }).click();
    expect(await dialog.getByRole('row', { name: /spirals\.csv/ }).textContent()).toContain(
      '✓ Found',
    );
    await resolved.click();

    await monitor().waitFor({ timeout: 20_000 });
    await finished('Remote Training Completed Successfully');
    await expect.poll(points, { timeout: 2_000 }).toBe(EPOCHS);
    expect(await monitor().getByText(`Epoch ${EPOCHS}/${EPOCHS}`).count()).toBe(1);
    expect(await monitor().locator('canvas').count()).toBeGreaterThan(0);
    await shot(page, 'demo-monitor');
    expect(errors).toEqual([]);
  }, 60_000);

  it('Stop Early: the job ends after its epoch and the monitor shows the checkpoint', async () => {
    await runJob({ profile: 'paced', config: { epochs: 40, batchSize: 64 } });
    await expect.poll(points, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    await monitor().getByRole('button', { name: 'Stop Early' }).click();
    await finished(/Stopped early after epoch \d+ of 40\./);
    const notice = await monitor()
      .getByRole('status')
      .filter({ hasText: 'Checkpoint' })
      .textContent();
    expect(notice).toMatch(/Checkpoint on worker demo-worker: \/\S+/);
    expect(await points()).toBeLessThan(40);
    await shot(page, 'demo-stopped-early');
    expect(errors).toEqual([]);
  }, 60_000);

  it('a failing trainer: the failed dialog, and its resume command resumes the job', async () => {
    await runJob({ profile: 'crashy', config: { epochs: 8, batchSize: 64 } });
    const dialog = page.getByRole('alertdialog', { name: 'Remote Training Failed' });
    await dialog.waitFor({ timeout: 30_000 });
    expect(await dialog.textContent()).toMatch(/Training failed after epoch \d+ of 8/);
    const command = (await dialog.locator('code', { hasText: 'trainwire train' }).textContent())!;
    expect(command).toContain('--resume');
    await shot(page, 'demo-failed');
    await dialog.getByRole('button', { name: 'OK' }).click();

    // The command as the dialog shows it, run with the CLI against the same room.
    const [, ...args] = shellWords(command);
    const resumed = execFileSync(
      'ip',
      ['netns', 'exec', ns, process.execPath, CLI, ...args, '--json'],
      {
        env: {
          ...process.env,
          TRAINWIRE_URL: room.signal,
          TRAINWIRE_ROOM: room.room,
          TRAINWIRE_TOKEN: room.token,
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    const epochs = resumed
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((e) => e.type === 'progress' && e.progress.event === 'epoch_end')
      .map((e) => e.progress.epoch as number);
    expect(epochs[0]).toBeGreaterThan(0);
    expect(epochs.at(-1)).toBe(7);
    expect(errors).toEqual([]);
  }, 90_000);

  it('reload mid-job: the monitor attaches again and the chart has every epoch', async () => {
    await runJob({ profile: 'paced', config: { epochs: 10, batchSize: 64 } });
    await expect.poll(points, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    const batchesBefore = await batchPoints();
    const epochsBefore = await points();
    expect(batchesBefore).toBeGreaterThan(0);
    await page.reload();
    await monitor().waitFor({ timeout: 20_000 });
    await finished('Remote Training Completed Successfully');
    await expect.poll(points, { timeout: 2_000 }).toBe(10);
    // Every epoch has the same p batches, and before the reload at most epochsBefore + 1 had
    // begun: the whole run's 10p is at least 10 * batchesBefore / (epochsBefore + 1). Only the
    // batches since the reload (the worker's replay not kept) would be at most 10p - epochsBefore * p.
    expect(await batchPoints()).toBeGreaterThanOrEqual(
      Math.ceil((10 * batchesBefore) / (epochsBefore + 1)),
    );
    expect(await monitor().getByText('Epoch 10/10').count()).toBe(1);
    await shot(page, 'demo-reattached');

    // The switch was saved in localStorage (it came back on); off removes the panel.
    await page.getByRole('switch', { name: 'Enable experimental features' }).uncheck();
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
