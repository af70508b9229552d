import {
  container,
  JobManager,
  type JobManagerSnapshot,
  registerCore,
  TRANSPORT,
  WorkerDirectory,
  type WorkerEntry,
} from '@trainwire/core';
import { createMemoryTransportPair } from '@trainwire/core/testing';
import { createContext, type ReactNode, useContext, useSyncExternalStore } from 'react';
import { filter, firstValueFrom, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExperimentalFlag } from './ExperimentalFlag.js';
import type { Importer } from './Importer.js';
import { MemoryPrefsStorage } from './MemoryPrefsStorage.js';
import { type MountHandle, type MountState, type MountWorkerChoice, mount } from './mount.js';

// A tiny stand-in for ui-react's two components, so these tests exercise mount()'s
// lifecycle with real React and react-dom, not the product's widgets.
interface Services {
  manager: JobManager;
  directory: WorkerDirectory;
}
const ServicesContext = createContext<Services | null>(null);
const seen: { provider: Services[] } = { provider: [] };

function TrainwireProvider(props: Services & { children?: ReactNode }) {
  seen.provider.push({ manager: props.manager, directory: props.directory });
  return (
    <ServicesContext.Provider value={{ manager: props.manager, directory: props.directory }}>
      {props.children}
    </ServicesContext.Provider>
  );
}

function RemoteTrainingPanel(props: {
  onRun: (choice: MountWorkerChoice) => void;
  title?: string;
}) {
  const { manager, directory } = useContext(ServicesContext)!;
  const jobs: JobManagerSnapshot = useSyncExternalStore(manager.subscribe, manager.getSnapshot);
  const workers = useSyncExternalStore(directory.subscribe, directory.getSnapshot).workers;
  const best = workers[0];
  return (
    <section aria-label={props.title ?? 'Remote training'}>
      <p>
        {workers.map((worker) => worker.name).join(', ')}: {jobs.jobs.length} jobs
      </p>
      <button type="button" onClick={() => best && props.onRun({ mode: 'auto', worker: best })}>
        Run
      </button>
    </section>
  );
}

function Crashing(): ReactNode {
  throw new Error('chart canvas unavailable');
}

/** Real imports for React; ui-react replaced by `ui` (counted), with a package.json version. */
function standIn(ui: Record<string, unknown>, version = '0.1.0') {
  const calls: string[] = [];
  const importer: Importer = (specifier, options) => {
    calls.push(specifier);
    if (specifier === '@trainwire/ui-react') return Promise.resolve(ui);
    if (specifier === '@trainwire/ui-react/package.json') {
      return Promise.resolve({ default: { name: '@trainwire/ui-react', version } });
    }
    return import(/* @vite-ignore */ specifier, options);
  };
  return { importer, calls };
}

let scope: ReturnType<typeof container.createChildContainer>;
let manager: JobManager;
let directory: WorkerDirectory;
let element: HTMLElement;
const handles: MountHandle[] = [];
const flags: ExperimentalFlag[] = [];
const gpu1: WorkerEntry = {
  id: 'peer-1',
  name: 'gpu-1',
  status: 'available',
  gpuModel: 'A100',
  gpuMemoryMiB: 40_960,
};
const runs: MountWorkerChoice[] = [];
const onRun = (choice: MountWorkerChoice) => runs.push(choice);

beforeEach(async () => {
  scope = registerCore(container.createChildContainer());
  scope.register(TRANSPORT, { useValue: createMemoryTransportPair()[0] });
  manager = scope.resolve(JobManager);
  directory = new WorkerDirectory({ list: async () => [gpu1] });
  await directory.refresh();
  runs.length = 0;
  element = document.createElement('div');
  document.body.append(element);
  seen.provider = [];
});

afterEach(() => {
  for (const handle of handles.splice(0)) handle.unmount();
  for (const flag of flags.splice(0)) flag.close();
  element.remove();
  directory.dispose();
  scope.dispose();
});

async function flagWith(on: boolean | undefined) {
  const text = on === undefined ? undefined : JSON.stringify({ experimental: on });
  const flag = await ExperimentalFlag.open({ storage: new MemoryPrefsStorage(text), env: {} });
  flags.push(flag);
  return flag;
}

function track(handle: MountHandle) {
  handles.push(handle);
  return handle;
}

function reach(handle: MountHandle, state: MountState) {
  return firstValueFrom(handle.status$.pipe(filter((status) => status.state === state)));
}

describe('mount', () => {
  it('follows the flag: nothing while off, the panel when on, an empty element when off again', async () => {
    const flag = await flagWith(undefined);
    const { importer, calls } = standIn({ TrainwireProvider, RemoteTrainingPanel });
    const handle = track(
      mount(element, { flag, manager, directory, onRun, importer, panelProps: { title: 'Train' } }),
    );

    expect(handle.getSnapshot()).toMatchObject({ state: 'flag-off', problem: undefined });
    expect(handle.getSnapshot().reason).toBe(flag.getInfo().reason);
    expect(handle.status).toBe(handle.getSnapshot());
    expect(element.innerHTML).toBe('');
    expect(calls).toEqual([]); // nothing loaded while the flag is off

    let changes = 0;
    handle.subscribe(() => changes++);
    const mounted = reach(handle, 'mounted');
    void flag.set(true);
    await mounted;
    const panel = element.querySelector('section[aria-label="Train"]');
    expect(panel?.querySelector('p')?.textContent).toBe('gpu-1: 0 jobs');
    expect(seen.provider.at(-1)?.manager).toBe(manager);
    expect(seen.provider.at(-1)?.directory).toBe(directory);
    panel?.querySelector('button')?.click();
    expect(runs).toEqual([{ mode: 'auto', worker: gpu1 }]);
    expect(changes).toBe(2); // loading, mounted

    await flag.set(false);
    expect(handle.getSnapshot().state).toBe('flag-off');
    expect(element.innerHTML).toBe('');
    expect(element.childNodes).toHaveLength(0);

    const again = reach(handle, 'mounted');
    void flag.set(true);
    await again;
    expect(element.querySelector('section p')?.textContent).toBe('gpu-1: 0 jobs');
    // Loaded once, shown twice.
    expect(calls.filter((specifier) => specifier === '@trainwire/ui-react')).toHaveLength(1);
  });

  it('mounts at once when the flag is already on, and unmount() leaves the element empty', async () => {
    const flag = await flagWith(true);
    const { importer } = standIn({ TrainwireProvider, RemoteTrainingPanel });
    const handle = mount(element, { flag, manager, directory, onRun, importer });
    const statuses = firstValueFrom(handle.status$.pipe(toArray()));
    expect(handle.getSnapshot().state).toBe('loading');
    await reach(handle, 'mounted');
    expect(element.querySelector('section[aria-label="Remote training"]')).not.toBeNull();

    handle.unmount();
    expect(element.innerHTML).toBe('');
    expect(handle.getSnapshot().state).toBe('unmounted');
    expect((await statuses).map((status) => status.state)).toEqual([
      'loading',
      'mounted',
      'unmounted',
    ]);

    // It no longer follows the flag.
    await flag.set(false);
    await flag.set(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(element.innerHTML).toBe('');
  });

  it('renders nothing when the flag goes off while the packages are still loading', async () => {
    const flag = await flagWith(true);
    let release: (ui: unknown) => void = () => undefined;
    const importer: Importer = (specifier, options) => {
      if (specifier === '@trainwire/ui-react') {
        return new Promise((resolve) => {
          release = resolve;
        });
      }
      if (specifier === '@trainwire/ui-react/package.json') {
        return Promise.resolve({ default: { version: '0.1.0' } });
      }
      return import(/* @vite-ignore */ specifier, options);
    };
    const handle = track(mount(element, { flag, manager, directory, onRun, importer }));
    expect(handle.getSnapshot().state).toBe('loading');
    await flag.set(false);
    release({ TrainwireProvider, RemoteTrainingPanel });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(handle.getSnapshot().state).toBe('flag-off');
    expect(element.innerHTML).toBe('');
  });

  it('says which ui-react it will not use: another minor, or one without the panel', async () => {
    const flag = await flagWith(true);
    const old = standIn({ TrainwireProvider, RemoteTrainingPanel }, '0.2.3');
    const first = track(
      mount(element, { flag, manager, directory, onRun, importer: old.importer }),
    );
    const refused = await reach(first, 'unavailable');
    expect(refused.problem?.code).toBe('package_incompatible');
    expect(refused.reason).toContain('npm install @trainwire/ui-react@0.1');

    const partial = standIn({ TrainwireProvider });
    const second = track(
      mount(element, { flag, manager, directory, onRun, importer: partial.importer }),
    );
    const missing = await reach(second, 'unavailable');
    expect(missing.reason).toContain('has no RemoteTrainingPanel');
    expect(element.innerHTML).toBe('');
  });

  it('takes a panel that throws down cleanly and reports it, without throwing into the host', async () => {
    const flag = await flagWith(true);
    const { importer } = standIn({ TrainwireProvider, RemoteTrainingPanel: Crashing });
    const handle = track(mount(element, { flag, manager, directory, onRun, importer }));
    const failed = await reach(handle, 'unavailable');
    expect(failed.problem?.code).toBe('panel_failed');
    expect(failed.reason).toContain('chart canvas unavailable');
    expect(element.innerHTML).toBe('');
  });

  it('reports bad arguments from a plain-JavaScript host instead of throwing', async () => {
    const flag = await flagWith(true);
    const noElement = mount(null as unknown as Element, { flag, manager, directory, onRun });
    expect(noElement.getSnapshot()).toMatchObject({ state: 'unavailable' });
    expect(noElement.getSnapshot().reason).toContain('DOM element');
    const noManager = mount(element, { flag, directory, onRun } as never);
    expect(noManager.getSnapshot().reason).toContain('options.manager');
    const noDirectory = mount(element, { flag, manager, onRun } as never);
    expect(noDirectory.getSnapshot().reason).toContain('options.directory');
    const noFlag = mount(element, { manager, directory, onRun } as never);
    expect(noFlag.getSnapshot().reason).toContain('options.flag');
  });
});
