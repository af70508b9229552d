import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detect } from './detect.js';
import type { Importer } from './Importer.js';

let dir: string;

/** Writes a package (package.json + index.js) into the temp dir; returns its folder. */
async function writePackage(folder: string, manifest: object | undefined, index: string) {
  const root = join(dir, folder);
  await mkdir(root, { recursive: true });
  if (manifest !== undefined) await writeFile(join(root, 'package.json'), JSON.stringify(manifest));
  await writeFile(join(root, 'index.js'), index);
  return root;
}

/** An importer that loads `name` (and its package.json) from `root`, everything else as usual. */
function importerFor(name: string, root: string): Importer {
  return (specifier, options) => {
    if (specifier === name) return import(join(root, 'index.js'));
    if (specifier === `${name}/package.json`) {
      return import(join(root, 'package.json'), options);
    }
    return import(specifier, options);
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trainwire-detect-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('detect', () => {
  it('loads the installed packages and reports their versions as compatible', async () => {
    const found = await detect({
      packages: ['@trainwire/transport-webrtc', '@trainwire/bridge-zmq'],
    });
    for (const name of ['@trainwire/transport-webrtc', '@trainwire/bridge-zmq']) {
      expect(found.packages[name]).toMatchObject({
        name,
        status: 'available',
        version: '0.1.0',
        compatible: true,
        reason: undefined,
      });
    }
    expect(found.apiVersion).toBe('0.1');
    expect(found.reasons).toEqual([]);
  });

  it('reports a name that is not installed as missing, with the install command', async () => {
    const found = await detect({ packages: ['@trainwire/no-such-package'] });
    const report = found.packages['@trainwire/no-such-package'];
    expect(report).toMatchObject({ status: 'missing', compatible: false, version: undefined });
    expect(report?.reason).toBe(
      '@trainwire/no-such-package is not installed: npm install @trainwire/no-such-package',
    );
    expect(report?.problem?.code).toBe('package_missing');
    expect(found.reasons).toEqual([report?.reason]);
  });

  it('reports a version of another minor as incompatible, with the version to install', async () => {
    const root = await writePackage(
      'ui-react-0.2',
      { name: '@trainwire/ui-react', version: '0.2.0' },
      'export const RemoteTrainingPanel = () => null;\n',
    );
    const found = await detect({
      importer: importerFor('@trainwire/ui-react', root),
      packages: ['@trainwire/ui-react'],
    });
    expect(found.packages['@trainwire/ui-react']).toMatchObject({
      status: 'incompatible',
      version: '0.2.0',
      compatible: false,
    });
    expect(found.reasons[0]).toBe(
      '@trainwire/ui-react 0.2.0 does not work with this @trainwire/host-adapter (API 0.1); install a matching version: npm install @trainwire/ui-react@0.1',
    );
  });

  it('reports a package that is installed but throws on import as broken', async () => {
    const root = await writePackage(
      'ui-react-broken',
      { name: '@trainwire/ui-react', version: '0.1.0' },
      "throw new Error('uplot failed to initialise');\n",
    );
    const found = await detect({
      importer: importerFor('@trainwire/ui-react', root),
      packages: ['@trainwire/ui-react'],
    });
    const report = found.packages['@trainwire/ui-react'];
    expect(report).toMatchObject({ status: 'broken', version: '0.1.0', compatible: false });
    expect(report?.reason).toContain('uplot failed to initialise');
    expect(report?.reason).toContain('npm install @trainwire/ui-react@0.1');
  });

  it('does not use a package whose version it cannot read', async () => {
    const root = await writePackage('ui-react-no-manifest', undefined, 'export const x = 1;\n');
    const found = await detect({
      importer: importerFor('@trainwire/ui-react', root),
      packages: ['@trainwire/ui-react'],
    });
    expect(found.packages['@trainwire/ui-react']).toMatchObject({
      status: 'incompatible',
      version: undefined,
      compatible: false,
    });
    expect(found.reasons[0]).toContain('cannot tell which version');
  });

  it('never rejects, whatever the importer does', async () => {
    const importers: Importer[] = [
      () => {
        throw new TypeError('importer bug');
      },
      () => Promise.reject('not even an Error'),
      async () => null,
    ];
    for (const importer of importers) {
      const found = await detect({ importer });
      expect(Object.values(found.packages).every((report) => !report.compatible)).toBe(true);
      expect(found.reasons).toHaveLength(3);
    }
  });
});
