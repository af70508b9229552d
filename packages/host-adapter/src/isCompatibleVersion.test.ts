import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_ADAPTER_API_VERSION, isCompatibleVersion } from './isCompatibleVersion.js';

describe('isCompatibleVersion', () => {
  it('on the 0.x line, wants the same major.minor', () => {
    expect(isCompatibleVersion('0.1.0', '0.1')).toBe(true);
    expect(isCompatibleVersion('0.1.9', '0.1')).toBe(true);
    expect(isCompatibleVersion('0.1.2-next.1', '0.1')).toBe(true);
    expect(isCompatibleVersion('0.2.0', '0.1')).toBe(false);
    expect(isCompatibleVersion('0.0.9', '0.1')).toBe(false);
    expect(isCompatibleVersion('1.1.0', '0.1')).toBe(false);
  });

  it('from 1.0, wants the same major and at least the minor', () => {
    expect(isCompatibleVersion('1.4.0', '1.2')).toBe(true);
    expect(isCompatibleVersion('1.1.0', '1.2')).toBe(false);
    expect(isCompatibleVersion('2.0.0', '1.2')).toBe(false);
  });

  it('refuses what is not a version', () => {
    for (const version of ['', 'latest', '0.1', '0.1.x', 'workspace:*']) {
      expect(isCompatibleVersion(version, '0.1')).toBe(false);
    }
  });

  it("fits this package's own version (bump the constant with a minor release)", async () => {
    const manifest = JSON.parse(
      await readFile(join(import.meta.dirname, '..', 'package.json'), 'utf8'),
    );
    expect(isCompatibleVersion(manifest.version, HOST_ADAPTER_API_VERSION)).toBe(true);
  });
});
