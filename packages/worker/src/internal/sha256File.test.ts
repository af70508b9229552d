import { createHash } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanTempDirs, tempDir } from '../__tests__/helpers.js';
import { Sha256Cache } from './sha256File.js';

afterEach(() => cleanTempDirs());

const hex = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the SHA-256 cache', () => {
  it('reads a file once per version: a rewrite of the same size is hashed again', async () => {
    const path = join(tempDir(), 'model.bin');
    writeFileSync(path, 'aaaa');
    const cache = new Sha256Cache();
    expect(await cache.of(path)).toBe(hex('aaaa'));
    expect(await cache.of(path)).toBe(hex('aaaa'));
    expect(cache.hits).toBe(1);
    writeFileSync(path, 'bbbb');
    expect(await cache.of(path)).toBe(hex('bbbb'));
    appendFileSync(path, 'c');
    expect(await cache.of(path)).toBe(hex('bbbbc'));
    expect(cache.hits).toBe(1);
  });

  it('remembers at most its limit, and a missing file is an error, not a cached answer', async () => {
    const dir = tempDir();
    const cache = new Sha256Cache(2);
    for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, name), name);
    for (const name of ['a', 'b', 'c']) await cache.of(join(dir, name));
    await cache.of(join(dir, 'a'));
    expect(cache.hits).toBe(0);
    await cache.of(join(dir, 'c'));
    expect(cache.hits).toBe(1);
    await expect(cache.of(join(dir, 'gone'))).rejects.toThrow(/ENOENT/);
  });
});
