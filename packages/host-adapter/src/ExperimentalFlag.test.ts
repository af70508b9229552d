import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExperimentalFlag } from './ExperimentalFlag.js';
import { FilePrefsStorage } from './FilePrefsStorage.js';
import { MemoryPrefsStorage } from './MemoryPrefsStorage.js';

let home: string;
const opened: ExperimentalFlag[] = [];

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'trainwire-flag-'));
});

afterEach(async () => {
  for (const flag of opened.splice(0)) flag.close();
  await rm(home, { recursive: true, force: true });
});

async function open(options: Parameters<typeof ExperimentalFlag.open>[0] = {}) {
  const flag = await ExperimentalFlag.open({ env: { TRAINWIRE_HOME: home }, ...options });
  opened.push(flag);
  return flag;
}

describe('ExperimentalFlag with the Node prefs file', () => {
  it('is off by default, and writes nothing until it is set', async () => {
    const flag = await open();
    expect(flag.getSnapshot()).toBe(false);
    expect(flag.getInfo()).toMatchObject({ on: false, source: 'default', problem: undefined });
    expect(flag.getInfo().reason).toContain('TRAINWIRE_EXPERIMENTAL=1');
    expect(await readdir(home)).toEqual([]);
  });

  it('saves set(true) in $TRAINWIRE_HOME/prefs.json (0600) and a new flag reads it back', async () => {
    const flag = await open();
    await flag.set(true);
    const path = join(home, 'prefs.json');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ experimental: true });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    // Atomic: the temporary file was renamed, nothing else is left beside it.
    expect(await readdir(home)).toEqual(['prefs.json']);

    const later = await open();
    expect(later.getSnapshot()).toBe(true);
    expect(later.getInfo()).toMatchObject({ source: 'saved', saved: true, storage: path });
    expect(later.getInfo().reason).toContain(path);
  });

  it('finds the file under $XDG_CONFIG_HOME/trainwire when TRAINWIRE_HOME is unset', async () => {
    const flag = await ExperimentalFlag.open({ env: { XDG_CONFIG_HOME: home } });
    opened.push(flag);
    await flag.set(true);
    const saved = await readFile(join(home, 'trainwire', 'prefs.json'), 'utf8');
    expect(JSON.parse(saved)).toEqual({ experimental: true });
  });

  it('keeps the other preferences in the file when it saves the flag', async () => {
    const path = join(home, 'prefs.json');
    await writeFile(path, JSON.stringify({ cpuOnly: true, lastRoom: 'lab', experimental: false }));
    const flag = await open();
    await flag.set(true);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      cpuOnly: true,
      lastRoom: 'lab',
      experimental: true,
    });
  });

  it('changes at run time: state$, subscribe and getSnapshot follow set(), no reopen', async () => {
    const flag = await open();
    const values = firstValueFrom(flag.state$.pipe(toArray()));
    let calls = 0;
    const unsubscribe = flag.subscribe(() => calls++);
    const before = flag.getInfo();
    expect(flag.getInfo()).toBe(before); // same object until something changes

    const saving = flag.set(true);
    expect(flag.getSnapshot()).toBe(true); // at once, before the file is written
    await saving;
    await flag.set(true); // no change: no new value
    await flag.set(false);
    unsubscribe();
    await flag.set(true);
    flag.close();

    expect(await values).toEqual([false, true, false, true]);
    expect(calls).toBe(2);
    expect(flag.getInfo()).not.toBe(before);
  });

  it('saves quick changes in order: the last one wins on disk', async () => {
    const flag = await open();
    await Promise.all([flag.set(true), flag.set(false), flag.set(true), flag.set(false)]);
    const saved = JSON.parse(await readFile(join(home, 'prefs.json'), 'utf8'));
    expect(saved).toEqual({ experimental: false });
  });

  it('reports a damaged file, treats it as off, and set() replaces it', async () => {
    const path = join(home, 'prefs.json');
    await writeFile(path, '{"experimental": tru');
    const flag = await open();
    expect(flag.getSnapshot()).toBe(false);
    const { problem, reason } = flag.getInfo();
    expect(problem?.code).toBe('prefs_corrupt');
    expect(problem?.message).toContain(path);
    expect(reason).toContain('damaged');

    await flag.set(true);
    expect(flag.getInfo().problem).toBeUndefined();
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ experimental: true });
  });

  it('reports a file whose flag is not a boolean, naming the field', async () => {
    await writeFile(join(home, 'prefs.json'), JSON.stringify({ experimental: 'yes' }));
    const flag = await open();
    expect(flag.getSnapshot()).toBe(false);
    expect(flag.getInfo().problem?.code).toBe('prefs_corrupt');
    expect(flag.getInfo().problem?.message).toContain('experimental');
  });

  it('keeps working in memory when the file cannot be saved, and says so', async () => {
    // A file where the folder should be: nobody can create prefs.json under it (not even root).
    await writeFile(join(home, 'not-a-folder'), '');
    const storage = new FilePrefsStorage(join(home, 'not-a-folder', 'prefs.json'));
    const flag = await open({ storage });
    await expect(flag.set(true)).resolves.toBeUndefined();
    expect(flag.getSnapshot()).toBe(true);
    const { problem, reason } = flag.getInfo();
    expect(problem?.code).toBe('prefs_unwritable');
    expect(problem?.message).toContain('TRAINWIRE_HOME');
    expect(problem?.message).not.toMatch(/ENOTDIR|EEXIST/);
    expect(reason).toMatch(/^Experimental features are on until the app closes/);
  });

  it('reports a prefs path it cannot read as off, without throwing', async () => {
    // The "file" is a folder: reading it fails with EISDIR.
    const storage = new FilePrefsStorage(home);
    const flag = await open({ storage });
    expect(flag.getSnapshot()).toBe(false);
    expect(flag.getInfo().problem?.code).toBe('prefs_unreadable');
  });
});

describe('ExperimentalFlag and the environment variable', () => {
  it('TRAINWIRE_EXPERIMENTAL=1 turns it on over a saved off, and says so', async () => {
    await writeFile(join(home, 'prefs.json'), JSON.stringify({ experimental: false }));
    const flag = await open({ env: { TRAINWIRE_HOME: home, TRAINWIRE_EXPERIMENTAL: '1' } });
    expect(flag.getSnapshot()).toBe(true);
    expect(flag.getInfo()).toMatchObject({
      source: 'env',
      saved: false,
      override: { name: 'TRAINWIRE_EXPERIMENTAL', value: '1' },
    });
    expect(flag.getInfo().reason).toContain('TRAINWIRE_EXPERIMENTAL=1');
  });

  it('TRAINWIRE_EXPERIMENTAL=0 keeps it off whatever set() saves', async () => {
    const flag = await open({ env: { TRAINWIRE_HOME: home, TRAINWIRE_EXPERIMENTAL: '0' } });
    await flag.set(true);
    expect(flag.getSnapshot()).toBe(false);
    expect(flag.getInfo().saved).toBe(true);
    const saved = JSON.parse(await readFile(join(home, 'prefs.json'), 'utf8'));
    expect(saved).toEqual({ experimental: true });
  });

  it('reads a host-chosen variable instead', async () => {
    const flag = await open({
      envVar: 'MYAPP_REMOTE_TRAINING',
      env: { TRAINWIRE_HOME: home, MYAPP_REMOTE_TRAINING: 'true', TRAINWIRE_EXPERIMENTAL: '0' },
    });
    expect(flag.getSnapshot()).toBe(true);
    expect(flag.getInfo().override?.name).toBe('MYAPP_REMOTE_TRAINING');
  });

  it('ignores a value that is neither 1 nor 0, and says so', async () => {
    const flag = await open({
      storage: new MemoryPrefsStorage('{"experimental":true}'),
      env: { TRAINWIRE_EXPERIMENTAL: 'maybe' },
    });
    expect(flag.getSnapshot()).toBe(true);
    expect(flag.getInfo().source).toBe('saved');
    expect(flag.getInfo().problem?.code).toBe('bad_env_value');
    expect(flag.getInfo().reason).toContain('TRAINWIRE_EXPERIMENTAL=maybe');
  });

  it('treats an empty variable as unset', async () => {
    const flag = await open({ env: { TRAINWIRE_HOME: home, TRAINWIRE_EXPERIMENTAL: '' } });
    expect(flag.getInfo()).toMatchObject({ source: 'default', problem: undefined });
  });
});

describe('ExperimentalFlag with a host storage', () => {
  it('never rejects when the host storage does, and reports the problem', async () => {
    const flag = await open({
      storage: {
        description: 'the app settings',
        read: () => Promise.reject(new Error('settings service is down')),
        write: () => Promise.reject(new Error('settings service is down')),
      },
    });
    expect(flag.getSnapshot()).toBe(false);
    expect(flag.getInfo().problem?.message).toContain('the app settings');
    await expect(flag.set(true)).resolves.toBeUndefined();
    expect(flag.getSnapshot()).toBe(true);
    expect(flag.getInfo().problem?.code).toBe('prefs_unwritable');
  });
});
