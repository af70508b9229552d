import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanTempDirs, tempDir } from '../__tests__/helpers.js';
import { type PathDenial, Sandbox } from './Sandbox.js';

afterEach(cleanTempDirs);

function setup() {
  const base = tempDir();
  const data = join(base, 'data');
  const out = join(base, 'out');
  const secret = join(base, 'secret');
  for (const dir of [data, join(data, 'sub'), out, secret]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(data, 'a.csv'), 'x,label\n1,0\n');
  writeFileSync(join(data, 'sub', 'labels.slp'), 'slp');
  writeFileSync(join(secret, 'key'), 'secret');
  symlinkSync(secret, join(data, 'escape'));
  symlinkSync(join(secret, 'key'), join(data, 'key-link'));
  const sandbox = new Sandbox([
    { name: 'data', path: data, readOnly: true },
    { name: 'out', path: out, readOnly: false },
  ]);
  return { base, data, out, secret, sandbox };
}

describe('Sandbox', () => {
  it('allows paths inside mounts and reports size and hash', async () => {
    const { data, sandbox } = setup();
    const check = await sandbox.check(join(data, 'a.csv'), { sha256: true });
    expect(check).toMatchObject({ exists: true, size: 12 });
    expect(check.sha256).toBe(createHash('sha256').update('x,label\n1,0\n').digest('hex'));
    expect(await sandbox.resolve(join(data, 'sub', '..', 'a.csv'))).toBe(join(data, 'a.csv'));
  });

  it('denies escapes: .., symlinks out, absolute paths elsewhere, NUL bytes, relative paths', async () => {
    const { data, secret, sandbox } = setup();
    const outside = /outside the folders this worker shares/;
    const cases: [string, RegExp][] = [
      [join(data, '..', 'secret', 'key'), outside],
      [join(data, 'escape', 'key'), outside],
      [join(data, 'key-link'), outside],
      [join(secret, 'key'), outside],
      ['/etc/passwd', outside],
      [`${join(data, 'a.csv')}\0.png`, /NUL byte/],
      ['data/a.csv', /relative/],
    ];
    for (const [path, reason] of cases) {
      await expect(sandbox.resolve(path), path).rejects.toThrow(reason);
      const check = await sandbox.check(path);
      expect(check.exists, path).toBe(false);
      expect(check.denied, path).toMatch(reason);
    }
    await expect(sandbox.resolve(join(data, 'escape'))).rejects.toMatchObject({
      code: 'path_denied',
      message: expect.stringContaining(join(data, 'escape')),
    });
  });

  it('says a symlink leads outside without saying where, nor the pid; the detail goes to onDenied', async () => {
    const { data, secret } = setup();
    symlinkSync('/proc/self/environ', join(data, 'env-link'));
    const denials: PathDenial[] = [];
    const sandbox = new Sandbox([{ name: 'data', path: data, readOnly: true }], {
      onDenied: (d) => denials.push(d),
    });
    for (const path of [
      join(data, 'escape', 'key'),
      join(data, 'key-link'),
      join(data, 'env-link'),
      '/proc/self/cwd',
    ]) {
      const error = await sandbox.resolve(path).catch((e: Error) => e);
      expect(error, path).toMatchObject({ code: 'path_denied' });
      const message = (error as Error).message;
      expect(message).toContain(JSON.stringify(path));
      expect(message).toMatch(/outside the folders this worker shares/);
      expect(message).not.toContain(secret);
      expect(message).not.toContain(String(process.pid));
      expect(message).not.toContain(`/proc/${process.pid}`);
      const check = await sandbox.check(path);
      expect(check.denied).not.toContain(secret);
      expect(check.denied).not.toContain(String(process.pid));
    }
    expect(denials.find((d) => d.path === join(data, 'escape', 'key'))).toMatchObject({
      kind: 'escape',
      resolved: join(secret, 'key'),
    });
    expect(denials.find((d) => d.path === join(data, 'env-link'))?.resolved).toBe(
      `/proc/${process.pid}/environ`,
    );
  });

  it('denies everything without mounts, and writes into read-only mounts', async () => {
    const { data, out } = setup();
    await expect(new Sandbox([]).resolve('/tmp')).rejects.toThrow(/no mounts configured/);
    const sandbox = new Sandbox([
      { name: 'data', path: data, readOnly: true },
      { name: 'out', path: out, readOnly: false },
    ]);
    await expect(sandbox.resolve(join(data, 'new.csv'), { write: true })).rejects.toThrow(
      /read-only/,
    );
    expect(await sandbox.resolve(join(out, 'new', 'file.csv'), { write: true })).toBe(
      join(out, 'new', 'file.csv'),
    );
  });

  it('lists directories in pages and finds files by name without following symlinks', async () => {
    const { data, sandbox } = setup();
    const first = await sandbox.list(data, { limit: 2 });
    expect(first.total).toBe(4);
    expect(first.more).toBe(true);
    expect(first.entries.map((e) => e.name)).toEqual(['a.csv', 'escape']);
    const second = await sandbox.list(data, { offset: 2, limit: 2 });
    expect(second.entries.map((e) => [e.name, e.kind])).toEqual([
      ['key-link', 'other'],
      ['sub', 'directory'],
    ]);
    expect(await sandbox.find('labels.slp')).toEqual([
      { path: join(data, 'sub', 'labels.slp'), size: 3 },
    ]);
    expect(await sandbox.find('key')).toEqual([]);
    const missing = await sandbox.check(join(data, 'moved', 'labels.slp'), {
      findCandidates: true,
    });
    expect(missing.candidates).toEqual([{ path: join(data, 'sub', 'labels.slp'), size: 3 }]);
  });
});
