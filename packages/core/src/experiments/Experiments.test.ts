import { afterEach, describe, expect, it } from 'vitest';
import type { MethodHandlers } from '../protocol/methods.js';
import { RpcPeer } from '../protocol/RpcPeer.js';
import type { Experiment, ModelVersion } from '../schemas/Experiment.js';
import { createMemoryTransportPair } from '../testing/MemoryTransport.js';
import { Experiments } from './Experiments.js';
import { Models } from './Models.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A worker that keeps experiments and models in memory, served over a memory transport. */
async function fakeWorker() {
  const experiments: Experiment[] = [];
  const models: ModelVersion[] = [];
  let clock = 1_000;
  let failList = false;
  const subscribers = new Set<RpcPeer>();
  const find = (id: string) => {
    const found = experiments.find((e) => e.id === id);
    if (!found)
      throw Object.assign(new Error(`no experiment ${id}`), { code: 'unknown_experiment' });
    return found;
  };
  const handlers: MethodHandlers = {
    'experiment.list': ({ offset, limit, tag }) => {
      if (failList) throw new Error('disk on fire');
      const rows = [...experiments]
        .reverse()
        .filter((e) => tag === undefined || e.tags.includes(tag));
      const page = rows.slice(offset, offset + limit);
      const end = offset + page.length;
      return {
        experiments: page,
        total: rows.length,
        ...(end < rows.length ? { nextOffset: end } : {}),
      };
    },
    'experiment.create': ({ experimentId, name, config, tags }) => {
      const experiment: Experiment = {
        id: experimentId,
        name,
        config,
        tags,
        status: 'created',
        createdAt: clock,
        updatedAt: clock++,
      };
      experiments.push(experiment);
      return { experiment };
    },
    'experiment.rename': ({ experimentId, name }) => {
      const experiment = find(experimentId);
      experiment.name = name;
      return { experiment };
    },
    'experiment.continue': ({ experimentId, parentId }) => {
      find(parentId);
      const experiment: Experiment = {
        id: experimentId,
        name: `${parentId} continued`,
        config: {},
        tags: [],
        status: 'created',
        parentId,
        relation: 'continue',
        createdAt: clock,
        updatedAt: clock++,
      };
      experiments.push(experiment);
      return { experiment };
    },
    'experiment.lineage': () => ({
      rootId: experiments[0]!.id,
      nodes: experiments.map(({ id, name, status, parentId, relation, createdAt }) => ({
        id,
        name,
        status,
        createdAt,
        ...(parentId === undefined ? {} : { parentId }),
        ...(relation === undefined ? {} : { relation }),
      })),
    }),
    'model.list': () => ({ models }),
    'model.subscribe': (_p, { peer }) => {
      subscribers.add(peer);
      return { active: models.filter((m) => m.active) };
    },
    'model.activate': ({ name, version }) => {
      for (const m of models) if (m.name === name) m.active = m.version === version;
      const model = models.find((m) => m.name === name && m.version === version)!;
      for (const peer of subscribers) peer.sendNotice({ type: 'model.activated', model });
      return { model };
    },
  };
  const connect = async () => {
    const [a, b] = createMemoryTransportPair();
    await Promise.all([a.connect(), b.connect()]);
    new RpcPeer(b).serve(handlers);
    cleanups.push(() => a.close());
    return new RpcPeer(a, { requestTimeoutMs: 500, retries: 0 });
  };
  return {
    experiments,
    models,
    connect,
    failNextLists: (fail: boolean) => {
      failList = fail;
    },
  };
}

describe('Experiments', () => {
  it('keeps a list view: pages, a stable snapshot, refreshed after each change', async () => {
    const worker = await fakeWorker();
    const experiments = new Experiments(await worker.connect());
    expect(experiments.getSnapshot().status).toBe('idle');
    for (const name of ['a', 'b', 'c']) await experiments.create({ name, tags: ['t'] });
    expect(experiments.getSnapshot().status).toBe('idle'); // not loaded: nothing refreshed

    let heard = 0;
    const unsubscribe = experiments.subscribe(() => heard++);
    await experiments.refresh({ limit: 2, tag: 't' });
    const first = experiments.getSnapshot();
    expect(first).toMatchObject({ status: 'ready', total: 3, hasMore: true });
    expect(first.experiments.map((e) => e.name)).toEqual(['c', 'b']);
    expect(experiments.getSnapshot()).toBe(first);
    expect(heard).toBe(2); // loading, ready

    await experiments.loadMore();
    expect(experiments.getSnapshot().experiments.map((e) => e.name)).toEqual(['c', 'b', 'a']);
    expect(experiments.getSnapshot().hasMore).toBe(false);

    const renamed = await experiments.rename(worker.experiments[0]!.id, 'a2');
    expect(renamed.name).toBe('a2');
    // The change refreshed the first page with the same filter.
    expect(experiments.getSnapshot().filter).toEqual({ limit: 2, tag: 't' });
    expect(experiments.getSnapshot().experiments.map((e) => e.name)).toEqual(['c', 'b']);
    unsubscribe();
  });

  it('keeps the last good rows when a listing fails, and says why', async () => {
    const worker = await fakeWorker();
    const experiments = new Experiments(await worker.connect());
    await experiments.create({ name: 'kept' });
    await experiments.refresh();
    worker.failNextLists(true);
    await experiments.refresh();
    const snapshot = experiments.getSnapshot();
    expect(snapshot.status).toBe('failed');
    expect(snapshot.experiments.map((e) => e.name)).toEqual(['kept']);
    expect(snapshot.error).toMatch(/could not list the worker's experiments/);
  });

  it('answers the lineage as a tree with each node’s children', async () => {
    const worker = await fakeWorker();
    const experiments = new Experiments(await worker.connect());
    const root = await experiments.create({ experimentId: 'root', name: 'root' });
    const child = await experiments.continueFrom(root.id, { experimentId: 'child' });
    await experiments.continueFrom(root.id, { experimentId: 'child2' });
    await experiments.continueFrom(child.id, { experimentId: 'grand' });
    const lineage = await experiments.lineage('grand');
    expect(lineage.rootId).toBe('root');
    expect(lineage.children.get('root')).toEqual(['child', 'child2']);
    expect(lineage.children.get('child')).toEqual(['grand']);
    expect(lineage.children.get('grand')).toBeUndefined();
  });
});

describe('Models', () => {
  it('hears model.activated once subscribed, and keeps the active badge in its snapshot', async () => {
    const worker = await fakeWorker();
    worker.models.push(
      { name: 'pose', version: 2, artifactId: 'a2', active: false, createdAt: 2 },
      { name: 'pose', version: 1, artifactId: 'a1', active: true, createdAt: 1 },
    );
    const host = new Models(await worker.connect());
    const heard: number[] = [];
    host.activated$.subscribe((m) => heard.push(m.version));
    expect((await host.watch()).map((m) => m.version)).toEqual([1]);
    await host.refresh();
    expect(host.getSnapshot().active.pose?.version).toBe(1);

    // Another client activates version 2: the host hears it and its snapshot follows.
    const other = new Models(await worker.connect());
    await other.activate('pose', 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(heard).toEqual([2]);
    const snapshot = host.getSnapshot();
    expect(snapshot.active.pose?.version).toBe(2);
    expect(snapshot.models.map((m) => [m.version, m.active])).toEqual([
      [2, true],
      [1, false],
    ]);
    // The client that did not subscribe hears nothing, but its own snapshot has it.
    expect(other.getSnapshot().active.pose?.version).toBe(2);
  });

  it('counts a malformed notice and ignores it', async () => {
    const [a, b] = createMemoryTransportPair();
    await Promise.all([a.connect(), b.connect()]);
    cleanups.push(() => a.close());
    const peer = new RpcPeer(a);
    const models = new Models(peer);
    const heard: unknown[] = [];
    models.activated$.subscribe((m) => heard.push(m));
    b.send(
      JSON.stringify({ v: 1, type: 'notice', notice: { type: 'model.activated', model: {} } }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(peer.stats.malformed).toBe(1);
    expect(heard).toEqual([]);
  });
});
