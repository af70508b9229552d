import {
  type Artifact,
  type Experiment,
  isFinalJobState,
  type LineageNode,
  type MethodHandlers,
  type ModelVersion,
  RpcPeer,
  TrainwireError,
} from '@trainwire/core';
import { createMemoryTransportPair } from '@trainwire/core/testing';
import { afterThisTest, type Setup } from './harness.js';
import { type ExtrasOptions, workerExtras } from './workerExtras.js';

// The experiments and model registry the real worker keeps in SQLite, kept in memory over
// a ScriptedWorker's jobs and served on a link of its own: an experiment's status is its
// latest job's state, its final metrics that job's last epoch_end logs, its artifacts the
// job's artifact events. The widgets reach it as they reach a worker: over an RpcPeer.

type Stored = Omit<Experiment, 'status' | 'jobId' | 'finalMetrics' | 'finishedAt'>;

export async function serveRegistry(
  { worker, clock }: Pick<Setup, 'worker' | 'clock'>,
  options: ExtrasOptions = {},
) {
  const stored = new Map<string, Stored>();
  const models: ModelVersion[] = [];
  const subscribers = new Set<RpcPeer>();
  const unknown = (experimentId: string) =>
    new TrainwireError('unknown_experiment', `no experiment ${experimentId}`, {
      details: { experimentId },
    });

  const jobsOf = (id: string) =>
    worker.store
      .listJobs()
      .filter((job) => (job.spec.experimentId ?? job.jobId) === id)
      .sort((a, b) => a.createdAt - b.createdAt);
  const eventsOf = (jobId: string) => worker.store.eventsAfter(jobId, 0);
  const view = (base: Stored): Experiment => {
    const job = jobsOf(base.id).at(-1);
    if (job === undefined) return { ...base, status: 'created' };
    const ends = eventsOf(job.jobId).flatMap((e) =>
      e.type === 'progress' && e.progress.event === 'epoch_end' ? [e.progress.logs] : [],
    );
    const last = ends.at(-1);
    return {
      ...base,
      status: job.state,
      jobId: job.jobId,
      ...(last === undefined ? {} : { finalMetrics: last }),
      ...(job.endedAt === undefined ? {} : { finishedAt: job.endedAt }),
    };
  };
  const all = (): Experiment[] => {
    // A job that named no experiment has its own, of its id (as the worker makes it).
    for (const job of worker.store.listJobs())
      if (job.spec.experimentId === undefined && !stored.has(job.jobId))
        stored.set(job.jobId, {
          id: job.jobId,
          name: job.spec.name ?? job.jobId,
          preset: job.spec.profile,
          config: job.spec.config,
          tags: job.spec.tags,
          createdAt: job.createdAt,
          updatedAt: job.createdAt,
        });
    return [...stored.values()].map(view).sort((a, b) => b.createdAt - a.createdAt);
  };
  const find = (id: string): Experiment => {
    const base = stored.get(id);
    if (base === undefined) throw unknown(id);
    return view(base);
  };
  const artifactsOf = (id: string): Artifact[] =>
    jobsOf(id).flatMap((job) =>
      eventsOf(job.jobId).flatMap((e) =>
        e.type === 'artifact' ? [{ ...e.artifact, experimentId: id }] : [],
      ),
    );
  const add = (experiment: Stored) => {
    stored.set(experiment.id, experiment);
    return { experiment: view(experiment) };
  };
  const fresh = (id: string, fields: Omit<Stored, 'id' | 'createdAt' | 'updatedAt'>): Stored => ({
    id,
    ...fields,
    createdAt: clock.now() + stored.size, // distinct, in creation order
    updatedAt: clock.now(),
  });
  const notify = (model: ModelVersion) => {
    for (const peer of subscribers) peer.sendNotice({ type: 'model.activated', model });
  };

  // A child of `parentId`: its name, tags and preset, and what `own` says of the rest.
  const child = (
    id: string,
    parentId: string,
    relation: 'continue' | 'retry',
    name: string | undefined,
    own: (parent: Experiment) => Pick<Stored, 'config' | 'checkpointSource'>,
  ) => {
    const parent = find(parentId);
    const suffix = relation === 'continue' ? 'continued' : 'retry';
    const { preset, tags } = parent;
    return add(
      fresh(id, {
        name: name ?? `${parent.name} (${suffix})`,
        tags,
        parentId,
        relation,
        ...(preset === undefined ? {} : { preset }),
        ...own(parent),
      }),
    );
  };

  const handlers: MethodHandlers = {
    'worker.info': () => ({
      ...worker.info,
      ramMiB: 16_384,
      status: worker.store.listJobs().some((job) => !isFinalJobState(job.state))
        ? 'busy'
        : 'available',
    }),
    'experiment.list': ({ status, offset, limit }) => {
      const rows = all().filter((e) => status === undefined || e.status === status);
      const end = Math.min(rows.length, offset + limit);
      return {
        experiments: rows.slice(offset, end),
        total: rows.length,
        ...(end < rows.length ? { nextOffset: end } : {}),
      };
    },
    'experiment.get': ({ experimentId }) => ({
      experiment: find(experimentId),
      artifacts: artifactsOf(experimentId),
      jobIds: jobsOf(experimentId).map((job) => job.jobId),
    }),
    'experiment.create': ({ experimentId, name, preset, config, tags }) =>
      add(fresh(experimentId, { name, config, tags, ...(preset === undefined ? {} : { preset }) })),
    'experiment.continue': ({ experimentId, parentId, name, config }) => {
      const checkpoint = artifactsOf(parentId).findLast((a) => a.kind === 'checkpoint');
      return child(experimentId, parentId, 'continue', name, (parent) => {
        if (checkpoint === undefined)
          throw new TrainwireError('experiment_state', `${parent.name} has no checkpoint`);
        return { config: { ...parent.config, ...config }, checkpointSource: checkpoint.path };
      });
    },
    'experiment.retry': ({ experimentId, of, name }) =>
      child(experimentId, of, 'retry', name, (source) => {
        if (source.status !== 'failed' && source.status !== 'cancelled')
          throw new TrainwireError('experiment_state', `${source.name} is ${source.status}`);
        return { config: source.config };
      }),
    'experiment.lineage': ({ experimentId }) => {
      let root = find(experimentId);
      while (root.parentId !== undefined) root = find(root.parentId);
      const nodes: LineageNode[] = [];
      const visit = (node: Experiment) => {
        const { id, name, status, parentId, relation, checkpointSource, createdAt } = node;
        nodes.push({ id, name, status, parentId, relation, checkpointSource, createdAt });
        for (const child of all()
          .filter((e) => e.parentId === id)
          .reverse())
          visit(child);
      };
      visit(root);
      return { rootId: root.id, nodes: nodes.sort((a, b) => a.createdAt - b.createdAt) };
    },
    'model.register': ({ name, experimentId, activate }) => {
      const experiment = find(experimentId);
      if (experiment.status !== 'completed')
        throw new TrainwireError('experiment_state', `${experiment.name} did not complete`);
      const artifact = artifactsOf(experimentId).at(-1);
      if (artifact === undefined) throw new TrainwireError('unknown_artifact', 'no artifact');
      const version = models.filter((m) => m.name === name).length + 1;
      const model: ModelVersion = {
        name,
        version,
        artifactId: artifact.id,
        experimentId,
        active: false,
        createdAt: clock.now(),
        artifact,
      };
      models.unshift(model);
      if (activate) setActive(model);
      return { model };
    },
    'model.list': ({ name }) => {
      extras.registerFinished();
      return {
        models: models
          .filter((m) => name === undefined || m.name === name)
          .sort((a, b) => a.name.localeCompare(b.name) || b.version - a.version),
      };
    },
    'model.activate': ({ name, version }) => {
      const model = models.find((m) => m.name === name && m.version === version);
      if (model === undefined)
        throw new TrainwireError('unknown_model', `no ${name} version ${version}`);
      return { model: setActive(model) };
    },
    'model.subscribe': (_params, { peer }) => {
      extras.registerFinished();
      subscribers.add(peer);
      return { active: models.filter((m) => m.active) };
    },
  };
  const setActive = (model: ModelVersion) => {
    for (const m of models) if (m.name === model.name) m.active = m === model;
    notify(model);
    return model;
  };

  const extras = await workerExtras({ worker, clock }, { models, artifactsOf, setActive }, options);
  Object.assign(handlers, extras.handlers);
  const [client, end] = createMemoryTransportPair({ scheduler: clock, latencyMs: 1 });
  const server = new RpcPeer(end, { scheduler: clock });
  server.serve(handlers);
  await Promise.all([client.connect(), end.connect()]);
  const peer = new RpcPeer(client, { scheduler: clock });
  afterThisTest(async () => {
    peer.dispose();
    await client.close();
    await extras.dispose();
  });
  return {
    peer,
    setReadiness: extras.setReadiness,
    /** Closes the link to this registry (the worker went offline). */
    stop: () => client.close(),
    /** Another client's connection to the same registry (a second page, the CLI). */
    async otherClient() {
      const [other, otherEnd] = createMemoryTransportPair({ scheduler: clock, latencyMs: 1 });
      new RpcPeer(otherEnd, { scheduler: clock }).serve(handlers);
      await Promise.all([other.connect(), otherEnd.connect()]);
      afterThisTest(() => other.close());
      return new RpcPeer(other, { scheduler: clock });
    },
  };
}
