import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ExperimentalFlag } from './ExperimentalFlag.js';
import { defaultPrefsStorage } from './internal/defaultPrefsStorage.js';
import { LocalStoragePrefsStorage } from './LocalStoragePrefsStorage.js';

const opened: ExperimentalFlag[] = [];

afterEach(() => {
  for (const flag of opened.splice(0)) flag.close();
  window.localStorage.clear();
});

async function open(storage: LocalStoragePrefsStorage, env: Record<string, string> = {}) {
  const flag = await ExperimentalFlag.open({ storage, env });
  opened.push(flag);
  return flag;
}

describe('ExperimentalFlag in a browser (localStorage)', () => {
  it('is off by default and saves set() under the host-chosen key', async () => {
    const flag = await open(new LocalStoragePrefsStorage({ key: 'labapp.trainwire' }));
    expect(flag.getSnapshot()).toBe(false);
    await flag.set(true);
    expect(JSON.parse(window.localStorage.getItem('labapp.trainwire') ?? 'null')).toEqual({
      experimental: true,
    });
    expect(window.localStorage.getItem('trainwire.prefs')).toBeNull();

    const reloaded = await open(new LocalStoragePrefsStorage({ key: 'labapp.trainwire' }));
    expect(reloaded.getSnapshot()).toBe(true);
    expect(reloaded.getInfo().reason).toContain('labapp.trainwire');
  });

  it('follows another tab that changes the key (the storage event)', async () => {
    const flag = await open(new LocalStoragePrefsStorage());
    const turnedOn = firstValueFrom(flag.state$.pipe(filter(Boolean)));
    // What the browser does when another tab of the same origin writes the key.
    window.localStorage.setItem('trainwire.prefs', '{"experimental":true}');
    window.dispatchEvent(
      new StorageEvent('storage', { key: 'trainwire.prefs', newValue: '{"experimental":true}' }),
    );
    expect(await turnedOn).toBe(true);
  });

  it('reports a damaged value as off without throwing', async () => {
    window.localStorage.setItem('trainwire.prefs', 'not json');
    const flag = await open(new LocalStoragePrefsStorage());
    expect(flag.getSnapshot()).toBe(false);
    expect(flag.getInfo().problem?.code).toBe('prefs_corrupt');
    expect(flag.getInfo().reason).toContain('localStorage key "trainwire.prefs"');
  });

  it('reports storage the browser blocks, and still toggles for this page', async () => {
    // What a page gets where site data is blocked: every call throws.
    const blocked: Storage = {
      length: 0,
      clear: () => undefined,
      key: () => null,
      removeItem: () => undefined,
      getItem: () => {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      },
    };
    const flag = await open(new LocalStoragePrefsStorage({ storage: blocked }));
    expect(flag.getInfo().problem?.code).toBe('prefs_unreadable');
    await flag.set(true);
    expect(flag.getSnapshot()).toBe(true);
    expect(flag.getInfo().problem?.code).toBe('prefs_unwritable');
  });

  it('lets TRAINWIRE_EXPERIMENTAL override it in a browser build that defines it', async () => {
    window.localStorage.setItem('trainwire.prefs', '{"experimental":true}');
    const flag = await open(new LocalStoragePrefsStorage(), { TRAINWIRE_EXPERIMENTAL: '0' });
    expect(flag.getSnapshot()).toBe(false);
    expect(flag.getInfo().source).toBe('env');
  });
});

describe('the automatic storage choice', () => {
  it('is the prefs file under Node, localStorage in a browser, memory elsewhere', () => {
    const env = { TRAINWIRE_HOME: '/home/ana/tw' };
    const node = defaultPrefsStorage({
      env,
      localStorageKey: undefined,
      runtime: { node: true, localStorage: window.localStorage },
    });
    expect(node.description).toBe('/home/ana/tw/prefs.json');

    const browser = defaultPrefsStorage({
      env,
      localStorageKey: 'labapp.trainwire',
      runtime: { node: false, localStorage: window.localStorage },
    });
    expect(browser).toBeInstanceOf(LocalStoragePrefsStorage);
    expect((browser as LocalStoragePrefsStorage).key).toBe('labapp.trainwire');

    const neither = defaultPrefsStorage({
      env,
      localStorageKey: undefined,
      runtime: { node: false, localStorage: undefined },
    });
    expect(neither.description).toBe('memory (not saved)');
  });

  it('a browser-built flag uses localStorage with no storage given', async () => {
    const storage = defaultPrefsStorage({
      env: {},
      localStorageKey: 'auto.key',
      runtime: { node: false, localStorage: window.localStorage },
    });
    const flag = await ExperimentalFlag.open({ storage, env: {} });
    opened.push(flag);
    await flag.set(true);
    expect(window.localStorage.getItem('auto.key')).toContain('"experimental": true');
  });
});
