// What a host ships for the remote-training panel (ui-react + core + the browser WebRTC
// transport, React excluded), gzipped, next to React + ReactDOM measured in the same run;
// and in Chromium, the time from an epoch event arriving to the chart having drawn it,
// with 10 000 epochs on the chart, next to the wait for the next animation frame alone.
// Aims: < 150 kB gzipped; p99 under one frame (16 ms).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { positiveIntEnv } from '../env.mjs';
import { percentiles, writeResults } from '../lib/results.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const POINTS = positiveIntEnv('POINTS', 10_000);
const SAMPLES = positiveIntEnv('SAMPLES', 300);
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const { build } = await import('vite');

const REACT = ['react', 'react-dom', 'react-dom/client', 'react/jsx-runtime', 'scheduler'];

/** Bundles `entry` (minified, as a production build) and returns its files. */
async function bundle(entry, { external = [], outDir } = {}) {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root: here,
    mode: 'production',
    oxc: { jsx: { runtime: 'automatic' } },
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      write: outDir !== undefined,
      outDir: outDir ?? join(tmpdir(), 'tw-bench-unused'),
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      rollupOptions: {
        input: entry,
        external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
        preserveEntrySignatures: 'strict',
      },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output ?? []);
  return outputs;
}

const gz = (outputs) =>
  outputs
    .filter((o) => /\.(js|css)$/.test(o.fileName))
    .reduce(
      (sum, o) => {
        const bytes = Buffer.from(o.type === 'chunk' ? o.code : o.source);
        return {
          raw: sum.raw + bytes.length,
          gzip: sum.gzip + gzipSync(bytes, { level: 9 }).length,
        };
      },
      { raw: 0, gzip: 0 },
    );
const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

const panel = gz(await bundle(join(here, 'shipped.ts'), { external: REACT }));
const react = gz(await bundle(join(here, 'reactOnly.ts')));
console.log('What a host ships for the panel (minified, gzip -9):');
console.log(
  `  ui-react + core + transport-webrtc (browser) + uPlot, React excluded: ${kB(panel.gzip)} gzipped (${kB(panel.raw)} raw) — aim < 150 kB: ${panel.gzip < 150_000 ? 'met' : 'NOT met'}`,
);
console.log(
  `  baseline, React + ReactDOM alone:                                ${kB(react.gzip)} gzipped (${kB(react.raw)} raw)`,
);

// Chart latency in Chromium: the page over plain HTTP on loopback (no WebRTC involved).
const size = {
  panelGzipBytes: panel.gzip,
  panelRawBytes: panel.raw,
  reactGzipBytes: react.gzip,
  aimGzipBytes: 150_000,
};
if (!existsSync(CHROMIUM)) {
  console.log(`\nChart latency: not measured, no Chromium at ${CHROMIUM} (set CHROMIUM=…)`);
  writeResults('panel', { size, chart: null });
  process.exit(0);
}
const { chromium } = await import('playwright-core');
const dir = mkdtempSync(join(tmpdir(), 'tw-bench-panel-'));
await bundle(join(here, 'chart.html'), { outDir: join(dir, 'dist') });
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const server = createServer(async (request, response) => {
  const path = new URL(request.url ?? '/', 'http://x').pathname;
  const file = join(dir, 'dist', path === '/' ? 'chart.html' : path);
  try {
    const body = await readFile(file);
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => 'bench' in window, null, { timeout: 20_000 });
  const filled = await page.evaluate((n) => window.bench.fill(n), POINTS);
  const run = (what) =>
    page.evaluate(
      async ([fn, n]) => {
        const out = [];
        for (let i = 0; i < n; i++) out.push(await window.bench[fn]());
        return out;
      },
      [what, SAMPLES],
    );
  const drawn = await run('sample');
  const frame = await run('frameWait');
  const points = await page.evaluate(() => window.bench.points());
  if (errors.length > 0) throw new Error(`the page failed: ${errors.join('; ')}`);
  const event = percentiles(drawn);
  const frameOnly = percentiles(frame);
  const ms = (x) => `${x.toFixed(1)} ms`;
  const line = (p) => `p50 ${ms(p.p50)}, p99 ${ms(p.p99)}, max ${ms(p.max)}`;
  console.log(
    `\nChart latency in Chromium (${filled} epochs on the chart at the start, ${points} at the end; ${SAMPLES} events at random moments):`,
  );
  console.log(
    `  epoch event → chart drawn:           ${line(event)} — aim p99 < 16 ms: ${event.p99 < 16 ? 'met' : 'not met'}`,
  );
  console.log(`  baseline, wait for the next frame:   ${line(frameOnly)}`);
  writeResults('panel', {
    size,
    chart: {
      points: filled,
      samples: SAMPLES,
      eventToDrawnMs: event,
      nextFrameMs: frameOnly,
      aimP99Ms: 16,
    },
  });
} finally {
  await browser.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
