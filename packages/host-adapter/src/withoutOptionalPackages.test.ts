import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A real host in a folder of its own, run by plain Node (no test runner in between): its
// importer resolves bare names from that folder, where the optional packages are not
// installed. It runs the built package, as a host would.
const dist = pathToFileURL(join(import.meta.dirname, '..', 'dist', 'index.js')).href;
const happyDom = pathToFileURL(createRequire(import.meta.url).resolve('happy-dom')).href;
const run = promisify(execFile);

let host: string;

beforeAll(async () => {
  host = await mkdtemp(join(tmpdir(), 'trainwire-host-'));
  await writeFile(
    join(host, 'importer.mjs'),
    'export default (s, o) => (o === undefined ? import(s) : import(s, o));\n',
  );
  await writeFile(
    join(host, 'check.mjs'),
    `import { Window } from ${JSON.stringify(happyDom)};
import { detect, ExperimentalFlag, MemoryPrefsStorage, mount } from ${JSON.stringify(dist)};
import importer from './importer.mjs';

const window = new Window();
const element = window.document.createElement('div');
const flag = await ExperimentalFlag.open({ storage: new MemoryPrefsStorage(), env: {} });
await flag.set(true);
const found = await detect({ importer });
const handle = mount(element, { flag, manager: {}, directory: {}, onRun() {}, importer });
while (handle.getSnapshot().state === 'loading') await new Promise((r) => setTimeout(r, 5));
const { state, reason, problem } = handle.getSnapshot();
console.log(JSON.stringify({ reasons: found.reasons, state, reason, code: problem?.code, html: element.innerHTML }));
handle.unmount();
await window.happyDOM.close();
`,
  );
});

afterAll(async () => {
  await rm(host, { recursive: true, force: true });
});

async function check() {
  const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: host });
  return JSON.parse(stdout) as {
    reasons: string[];
    state: string;
    reason: string;
    code: string;
    html: string;
  };
}

describe('a host without the optional packages', () => {
  it('detect() says each is not installed and mount() renders nothing, saying why', async () => {
    const result = await check();
    expect(result.reasons).toEqual([
      '@trainwire/ui-react is not installed: npm install @trainwire/ui-react',
      '@trainwire/transport-webrtc is not installed: npm install @trainwire/transport-webrtc',
      '@trainwire/bridge-zmq is not installed: npm install @trainwire/bridge-zmq',
    ]);
    expect(result).toMatchObject({
      state: 'unavailable',
      reason: '@trainwire/ui-react is not installed: npm install @trainwire/ui-react',
      code: 'package_missing',
      html: '',
    });
  });

  it('mount() with ui-react but no React says React is missing', async () => {
    // ui-react installed in the host (a stand-in that needs nothing), React not.
    const ui = join(host, 'node_modules', '@trainwire', 'ui-react');
    await mkdir(ui, { recursive: true });
    await writeFile(
      join(ui, 'package.json'),
      JSON.stringify({
        name: '@trainwire/ui-react',
        version: '0.1.0',
        type: 'module',
        exports: { '.': './index.js', './package.json': './package.json' },
      }),
    );
    await writeFile(
      join(ui, 'index.js'),
      'export const TrainwireProvider = () => null;\nexport const RemoteTrainingPanel = () => null;\n',
    );
    const result = await check();
    expect(result.reasons[0]).not.toContain('ui-react');
    expect(result).toMatchObject({ state: 'unavailable', code: 'react_missing', html: '' });
    expect(result.reason).toMatch(/^React is not installed .*: npm install react react-dom$/);
  });
});
