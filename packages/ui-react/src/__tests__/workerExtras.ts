import {
  type Artifact,
  estimateDuration,
  isFinalJobState,
  type MethodHandlers,
  type ModelVersion,
  PRESET_NAMES,
  RpcPeer,
  type RunTiming,
  TRAINING_PRESETS,
  TrainwireError,
  type WorkerReadiness,
} from '@trainwire/core';
import { linkToScriptedWorker } from '@trainwire/core/testing';
import type { Setup } from './harness.js';

// What the real worker adds around a registry, kept in memory over a ScriptedWorker's jobs:
// readiness, presets with estimates from the jobs' own epoch times (core's
// estimateDuration, as the worker computes it), synthetic datasets (a `generate-dataset`
// job on the scripted worker, its file a `dataset` artifact once it completed), the
// artifact list, and a job registering its model under its run's name when it completes.

/** How the fake worker answers `worker.readiness`. */
export interface ReadinessScript {
  /** Profiles that are not ready, with why. */
  notReady?: Record<string, string>;
  gpu?: boolean;
  cpuOnly?: boolean;
}

export function readinessOf(script: ReadinessScript, now: number): WorkerReadiness {
  const gpus = script.gpu ? [{ name: 'NVIDIA A100', memoryMiB: 40_960 }] : [];
  const profile = (id: string, program: string) => {
    const reason = script.notReady?.[id];
    return {
      profile: id,
      ready: reason === undefined,
      command: { program, found: reason === undefined },
      ...(reason === undefined ? {} : { reason }),
      log:
        reason === undefined
          ? [`${program}: /usr/bin/${program}`, 'self-check passed']
          : [`${program}: not found`, reason],
    };
  };
  return {
    gpu: { summary: script.gpu ? 'GPU: NVIDIA A100 (40960 MiB)' : 'GPU: Not detected', gpus },
    cpuOnly: script.cpuOnly === true,
    devices: script.gpu && script.cpuOnly !== true ? ['auto', 'gpu', 'cpu'] : ['cpu'],
    profiles: [profile('builtin', 'node'), profile('generate-dataset', 'node')],
    checkedAt: now,
    ttlMs: 300_000,
    cached: false,
  };
}

export interface ExtrasOptions {
  readiness?: ReadinessScript;
  /** Register each completed job's model under its run's name, active (the worker does). */
  registersJobModels?: boolean;
}

export async function workerExtras(
  { worker, clock }: Pick<Setup, 'worker' | 'clock'>,
  registry: {
    models: ModelVersion[];
    artifactsOf: (experimentId: string) => Artifact[];
    setActive: (model: ModelVersion) => ModelVersion;
  },
  options: ExtrasOptions,
) {
  const link = await linkToScriptedWorker(worker, clock);
  const toWorker = new RpcPeer(link, { scheduler: clock });
  // Datasets by name: the path and the job that wrote the file last.
  const datasets = new Map<string, { path: string; jobId: string }>();
  const registered = new Set<string>();
  let readiness = options.readiness ?? {};

  const completedJobs = () => worker.store.listJobs().filter((job) => job.state === 'completed');
  const datasetArtifacts = (): Artifact[] =>
    completedJobs().flatMap((job) => {
      if (job.spec.profile !== 'generate-dataset') return [];
      const { name, samples } = job.spec.config as { name: string; samples: number };
      return [
        {
          id: `${job.jobId}:dataset:${name}.csv`,
          kind: 'dataset' as const,
          path: `/data/datasets/${name}.csv`,
          size: samples * 24,
          experimentId: job.jobId,
          jobId: job.jobId,
          createdAt: job.endedAt ?? job.createdAt,
        },
      ];
    });
  const timings = (): RunTiming[] =>
    completedJobs()
      .filter((job) => job.spec.profile === 'builtin' && job.spec.inputs.dataset === undefined)
      .flatMap((job) => {
        const events = worker.store.eventsAfter(job.jobId, 0);
        const begin = events.find(
          (e) => e.type === 'progress' && e.progress.event === 'epoch_begin',
        );
        const ends = events.filter(
          (e) => e.type === 'progress' && e.progress.event === 'epoch_end',
        );
        const last = ends.at(-1);
        if (begin === undefined || last === undefined) return [];
        return [
          {
            msPerEpoch: (last.ts - begin.ts) / ends.length,
            datasetSize: {
              value: TRAINING_PRESETS.builtin!.samples(job.spec.config),
              unit: 'samples' as const,
            },
          },
        ];
      });
  // As the worker does when a job ends: its model, under its run's name, the active version.
  const registerFinished = () => {
    if (options.registersJobModels !== true) return;
    for (const job of completedJobs()) {
      // A predict job makes predictions, not a model.
      if (registered.has(job.jobId) || job.spec.profile !== 'builtin' || job.spec.predict) continue;
      registered.add(job.jobId);
      const experimentId = job.spec.experimentId ?? job.jobId;
      const artifact = registry.artifactsOf(experimentId).at(-1);
      if (artifact === undefined) continue;
      const name = job.spec.name ?? job.spec.profile;
      const model: ModelVersion = {
        name,
        version: registry.models.filter((m) => m.name === name).length + 1,
        artifactId: artifact.id,
        experimentId,
        active: false,
        createdAt: job.endedAt ?? clock.now(),
        artifact,
      };
      registry.models.unshift(model);
      registry.setActive(model);
    }
  };

  const handlers: MethodHandlers = {
    'worker.readiness': () => readinessOf(readiness, clock.now()),
    'preset.list': ({ profile, dataset }) => {
      const presets = TRAINING_PRESETS[profile];
      if (presets === undefined)
        throw new TrainwireError('unknown_profile', `this worker has no profile ${profile}`);
      const file = datasetArtifacts().find((a) => a.path === dataset);
      const runs = timings();
      return {
        profile,
        presets: PRESET_NAMES.map((name) => {
          const config = structuredClone({ ...presets.presets[name] });
          const epochs = presets.configProfile.totalEpochs(config) ?? 1;
          const datasetSize =
            file === undefined
              ? { value: presets.samples(config), unit: 'samples' as const }
              : { value: file.size, unit: 'bytes' as const };
          return {
            name,
            config,
            epochs,
            datasetSize,
            estimate: estimateDuration(runs, { epochs, datasetSize }),
          };
        }),
      };
    },
    'dataset.generate': async ({
      jobId,
      name,
      samples,
      diversity,
      seed,
      overwrite,
      format,
      features,
      classes,
    }) => {
      const known = datasets.get(name);
      if (known !== undefined && known.jobId !== jobId && !overwrite)
        throw new TrainwireError(
          'dataset_exists',
          `a dataset named ${name} already exists on this worker (${known.path}); pick another name, or confirm replacing it (overwrite: true, \`--overwrite\`)`,
          { details: { name, path: known.path } },
        );
      datasets.set(name, { path: `/data/datasets/${name}.${format}`, jobId });
      return toWorker.request('job.start', {
        jobId,
        spec: {
          profile: 'generate-dataset',
          name: `dataset ${name}`,
          config: {
            name,
            samples,
            noise: diversity,
            seed,
            features,
            classes,
            format,
            overwrite,
            epochs: 3,
          },
        },
      });
    },
    'artifact.list': ({ experimentId, kind, offset, limit }) => {
      const experiments = new Set(
        worker.store.listJobs().map((j) => j.spec.experimentId ?? j.jobId),
      );
      const all = [...datasetArtifacts(), ...[...experiments].flatMap(registry.artifactsOf)]
        .filter((a) => experimentId === undefined || a.experimentId === experimentId)
        .filter((a) => kind === undefined || a.kind === kind)
        .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
      const end = Math.min(all.length, offset + limit);
      return {
        artifacts: all.slice(offset, end),
        total: all.length,
        ...(end < all.length ? { nextOffset: end } : {}),
      };
    },
    'model.delete': ({ name, version }) => {
      const index = registry.models.findIndex((m) => m.name === name && m.version === version);
      const model = registry.models[index];
      if (model === undefined)
        throw new TrainwireError('unknown_model', `no ${name} version ${version}`);
      if (model.active)
        throw new TrainwireError('model_active', `${name} version ${version} is the active model`);
      const running = worker.store
        .listJobs()
        .find(
          (job) =>
            !isFinalJobState(job.state) &&
            job.spec.fineTune?.model === name &&
            (job.spec.fineTune.version ?? version) === version,
        );
      if (running !== undefined)
        throw new TrainwireError(
          'model_in_use',
          `${name} version ${version} is what job ${running.jobId} fine-tunes from`,
        );
      registry.models.splice(index, 1);
      return { name, version };
    },
  };
  return {
    handlers,
    /** Registers the models of the jobs that completed since (before each registry read). */
    registerFinished,
    /** Changes what `worker.readiness` answers from now on. */
    setReadiness(script: ReadinessScript) {
      readiness = script;
    },
    async dispose() {
      toWorker.dispose();
      await link.close();
    },
  };
}
