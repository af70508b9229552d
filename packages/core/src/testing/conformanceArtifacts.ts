import { isFinalJobState } from '../schemas/JobState.js';
import type { ConformanceCheck } from './conformance.js';
import { ConformanceFailure, expectThat } from './conformanceContext.js';
import { fresh, jobExperiment as jobOf } from './conformanceExperiments.js';

/** Checks of artifacts, presets, readiness and dataset jobs (after the job and the registry). */
export const ARTIFACT_CHECKS: readonly ConformanceCheck[] = [
  {
    id: 'artifact.list',
    title:
      "artifact.list lists the job's artifacts newest first and paged; artifact.get answers one; bad names and unknown ids are refused",
    async run(ctx) {
      const experimentId = jobOf(ctx);
      const all = await ctx.call('artifact.list', { experimentId, limit: 500 });
      expectThat(all.artifacts.length > 0, `the job's experiment lists no artifact`);
      expectThat(
        all.total === all.artifacts.length &&
          all.artifacts.every((a) => a.experimentId === experimentId),
        `artifact.list by experiment answered ${JSON.stringify(all).slice(0, 200)}`,
      );
      const stamps = all.artifacts.map((a) => a.createdAt).filter((t) => t !== undefined);
      expectThat(
        stamps.every((t, i) => i === 0 || t <= stamps[i - 1]!),
        `artifacts are not newest first: createdAt ${JSON.stringify(stamps)}`,
      );
      if (all.total > 1) {
        const page = await ctx.call('artifact.list', { experimentId, limit: 1 });
        expectThat(
          page.artifacts.length === 1 && page.nextOffset === 1 && page.total === all.total,
          `a page of one answered ${JSON.stringify(page).slice(0, 200)}`,
        );
      }
      const first = all.artifacts[0]!;
      const got = await ctx.call('artifact.get', { artifactId: first.id });
      expectThat(got.artifact.id === first.id, `artifact.get answered ${got.artifact.id}`);
      const kind = first.kind;
      const ofKind = await ctx.call('artifact.list', { kind, limit: 500 });
      expectThat(
        ofKind.artifacts.every((a) => a.kind === kind),
        `artifact.list by kind ${kind} answered other kinds`,
      );
      await ctx.refused(
        'artifact.rename',
        { artifactId: first.id, name: '../escape' },
        'bad_params',
      );
      const unknown = fresh('artifact');
      const error = await ctx.refused('artifact.get', { artifactId: unknown }, 'unknown_artifact');
      expectThat(
        error.details?.artifactId === unknown,
        'unknown_artifact carries no details.artifactId',
      );
    },
  },
  {
    id: 'artifact.in-use',
    title:
      'the active model version cannot be deleted through its artifact (artifact_in_use, uses: active_model)',
    async run(ctx) {
      const model = ctx.state.model;
      if (model === undefined)
        throw new ConformanceFailure('no model was registered (see model.registry)');
      const error = await ctx.refused(
        'artifact.delete',
        { artifactId: model.artifactId },
        'artifact_in_use',
      );
      const uses = (error.details?.uses ?? []) as Array<{ use?: string; name?: string }>;
      expectThat(
        uses.some((u) => u.use === 'active_model' && u.name === model.name),
        `artifact_in_use names ${JSON.stringify(uses)}, not the active model ${model.name}`,
      );
    },
  },
  {
    id: 'preset.list',
    title:
      "preset.list answers the job profile's presets with full configs and, after a completed job, an estimate from history",
    async run(ctx) {
      const profile = ctx.state.spec?.profile ?? ctx.settings.job.profile;
      const { presets } = await ctx.call('preset.list', { profile });
      const epochs = (ctx.state.events ?? []).some(
        (e) => e.type === 'progress' && e.progress.event === 'epoch_end',
      );
      for (const preset of presets) {
        expectThat(
          Object.keys(preset.config).length > 0,
          `preset ${preset.name} has an empty config`,
        );
        if (epochs) {
          expectThat(
            !('noHistory' in preset.estimate),
            `preset ${preset.name} says "no history" although job ${jobOf(ctx)} of ${profile} completed`,
          );
        }
      }
      await ctx.refused('preset.list', { profile: fresh('profile') }, 'unknown_profile');
    },
  },
  {
    id: 'worker.readiness',
    title:
      "worker.readiness lists the job's profile as ready and offers no GPU the worker lacks (nor one on a CPU-only worker)",
    async run(ctx) {
      const info = await ctx.call('worker.info', {});
      const readiness = await ctx.call('worker.readiness', {});
      const again = await ctx.call('worker.readiness', {});
      expectThat(
        again.checkedAt >= readiness.checkedAt,
        'a second readiness answer is older than the first',
      );
      const profile = ctx.state.spec?.profile ?? ctx.settings.job.profile;
      const own = readiness.profiles.find((p) => p.profile === profile);
      expectThat(own?.ready === true, `profile ${profile} ran a job but is ${JSON.stringify(own)}`);
      expectThat(
        info.gpu !== null || !readiness.devices.includes('gpu'),
        `devices ${JSON.stringify(readiness.devices)} offer a GPU that worker.info does not have`,
      );
      expectThat(
        !readiness.cpuOnly || JSON.stringify(readiness.devices) === '["cpu"]',
        `a CPU-only worker offers ${JSON.stringify(readiness.devices)}`,
      );
    },
  },
  {
    id: 'dataset.generate',
    title:
      'dataset.generate writes a dataset artifact with its SHA-256; the same name again is dataset_exists (when the worker offers generate-dataset)',
    async run(ctx) {
      const info = await ctx.call('worker.info', {});
      if (!info.capabilities.includes('generate-dataset')) return;
      const jobId = fresh('dataset');
      const name = fresh('data');
      await ctx.call('dataset.generate', { jobId, name, samples: 50 });
      await ctx.until(
        () =>
          ctx.pushed.some(
            (e) => e.jobId === jobId && e.type === 'state' && isFinalJobState(e.state),
          ),
        `for dataset job ${jobId} to end`,
        ctx.settings.jobTimeoutMs,
      );
      const { artifacts } = await ctx.call('artifact.list', {
        experimentId: jobId,
        kind: 'dataset',
      });
      expectThat(
        artifacts.length === 1 && artifacts[0]!.sha256 !== undefined && artifacts[0]!.size > 0,
        `the dataset job registered ${JSON.stringify(artifacts).slice(0, 200)}`,
      );
      await ctx.refused('dataset.generate', { jobId: fresh('dataset'), name }, 'dataset_exists');
    },
  },
];
