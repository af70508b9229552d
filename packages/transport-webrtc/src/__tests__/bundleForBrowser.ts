import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

let bundled: Promise<string> | undefined;

/**
 * The browser entry bundled as one script (global `trainwire`), with `#platform` on the
 * browser's own RTCPeerConnection/WebSocket — as a web app's bundler would resolve it.
 * Built once per test file.
 */
export function bundleForBrowser(): Promise<string> {
  bundled ??= bundle();
  return bundled;
}

async function bundle(): Promise<string> {
  // vite comes with vitest; imported lazily so only the Chromium test needs it.
  const { build } = await import('vite');
  const output = await build({
    configFile: false,
    logLevel: 'warn',
    root,
    resolve: {
      alias: { '#platform': `${root}src/internal/platform.browser.ts` },
      conditions: ['browser', 'import', 'module', 'default'],
    },
    build: {
      write: false,
      minify: false,
      lib: { entry: `${root}src/browser.ts`, formats: ['iife'], name: 'trainwire' },
    },
  });
  const first = (Array.isArray(output) ? output[0] : output) as {
    output: Array<{ code?: string }>;
  };
  return first.output[0]!.code!;
}
