import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FilePrefsStorage } from './FilePrefsStorage.js';

let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'trainwire-file-'));
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(home, { recursive: true, force: true });
});

describe('FilePrefsStorage', () => {
  it('puts the user file in $TRAINWIRE_HOME, else $XDG_CONFIG_HOME/trainwire, else ~/.config/trainwire', () => {
    vi.stubEnv('HOME', home);
    expect(FilePrefsStorage.forUser({ TRAINWIRE_HOME: '/t', XDG_CONFIG_HOME: '/x' }).path).toBe(
      '/t/prefs.json',
    );
    expect(FilePrefsStorage.forUser({ XDG_CONFIG_HOME: '/x' }).path).toBe(
      '/x/trainwire/prefs.json',
    );
    expect(FilePrefsStorage.forUser({}).path).toBe(
      join(home, '.config', 'trainwire', 'prefs.json'),
    );
    expect(FilePrefsStorage.forUser({ TRAINWIRE_HOME: '', XDG_CONFIG_HOME: '' }).path).toBe(
      join(home, '.config', 'trainwire', 'prefs.json'),
    );
  });

  it('reads nothing when there is no file, and creates its folder when it writes', async () => {
    const storage = new FilePrefsStorage(join(home, 'deep', 'er', 'prefs.json'));
    expect(await storage.read()).toBeUndefined();
    await storage.write('{"experimental":true}\n');
    expect(await readFile(storage.path, 'utf8')).toBe('{"experimental":true}\n');
    expect(await storage.read()).toBe('{"experimental":true}\n');
  });

  it('replaces the file whole: a failed write leaves the old text', async () => {
    const path = join(home, 'prefs.json');
    await writeFile(path, '{"experimental":false}');
    const storage = new FilePrefsStorage(path);
    await storage.write('{"experimental":true}');
    expect(await storage.read()).toBe('{"experimental":true}');

    const blocked = new FilePrefsStorage(join(path, 'prefs.json')); // under a file
    await expect(blocked.write('x')).rejects.toMatchObject({
      name: 'HostAdapterError',
      code: 'prefs_unwritable',
    });
    expect(await storage.read()).toBe('{"experimental":true}');
  });
});
