import { isTrainwireError } from '../errors.js';
import type { JobEvent } from '../schemas/JobEvent.js';
import type { JobSpecInput } from '../schemas/JobSpec.js';
import { isFinalJobState } from '../schemas/JobState.js';
import type { ConformanceCheck } from './conformance.js';
import { type ConformanceContext, ConformanceFailure, expectThat } from './conformanceContext.js';
import { sha256Hex } from './ScriptedWorker.js';

const isFinal = (event: JobEvent) => event.type === 'state' && isFinalJobState(event.state);

/**
 * Starts `spec` as a new job and waits for its final state; `undefined` when the worker
 * refused it with `bad_params` naming `key` (a worker older than pipelines and predict
 * refuses the key, as docs/protocol.md allows), else its events.
 */
async function runOrRefused(
  ctx: ConformanceContext,
  prefix: string,
  spec: JobSpecInput,
  key: 'stages' | 'predict',
): Promise<{ jobId: string; events: JobEvent[] } | undefined> {
  const jobId = `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  try {
    await ctx.call('job.start', { jobId, spec });
  } catch (error) {
    if (isTrainwireError(error) && error.code === 'bad_params' && error.message.includes(key))
      return undefined;
    throw error;
  }
  const mine = () => ctx.pushed.filter((e) => e.jobId === jobId);
  await ctx.until(() => mine().some(isFinal), `for job ${jobId} to end`, ctx.settings.jobTimeoutMs);
  return { jobId, events: mine() };
}

/** The spec of the kit's job as a profile of its own: a stage's or a predict job's base. */
function baseOf(ctx: ConformanceContext): { profile: string; config: Record<string, unknown> } {
  const { profile, config } = ctx.settings.job;
  return { profile, config: config ?? {} };
}

/** Checks of pipelines and predict jobs (additive in v1: a worker may refuse the keys). */
export const PIPELINE_CHECKS: readonly ConformanceCheck[] = [
  {
    id: 'job.pipeline',
    title:
      'a two-stage pipeline runs its stages in turn, every progress event naming its stage ({index, count, name}, what = the stage); or the worker refuses `stages` with bad_params',
    async run(ctx) {
      const base = baseOf(ctx);
      const ran = await runOrRefused(
        ctx,
        'conf-pipe',
        {
          profile: 'pipeline',
          name: 'conformance-pipeline',
          stages: [
            { name: 'first', ...base },
            { name: 'second', ...base },
          ],
        },
        'stages',
      );
      if (ran === undefined) return;
      const { jobId, events } = ran;
      const final = events.find(isFinal);
      expectThat(
        final?.type === 'state' && final.state === 'completed',
        `pipeline ${jobId} ended ${JSON.stringify(final)?.slice(0, 200)}`,
      );
      const progress = events.flatMap((e) => (e.type === 'progress' ? [e] : []));
      expectThat(progress.length > 0, `pipeline ${jobId} sent no progress`);
      for (const event of progress) {
        expectThat(
          event.stage !== undefined && event.stage.count === 2,
          `progress seq ${event.seq} carries stage ${JSON.stringify(event.stage)}, not one of 2`,
        );
        expectThat(
          event.progress.what === undefined || event.progress.what === event.stage.name,
          `progress seq ${event.seq} says what "${event.progress.what}" in stage ${event.stage.name}`,
        );
      }
      const order = [...new Set(progress.map((e) => `${e.stage!.index}:${e.stage!.name}`))];
      expectThat(
        order.join(',') === '0:first,1:second',
        `the stages' progress came as ${order.join(', ')}, not first then second`,
      );
    },
  },
  {
    id: 'job.predict',
    title:
      'a predict job with the registered model completes with a predictions artifact whose bytes match its SHA-256; or the worker refuses `predict` with bad_params',
    async run(ctx) {
      const model = ctx.state.model;
      if (model === undefined)
        throw new ConformanceFailure('no model was registered (see model.registry)');
      const base = baseOf(ctx);
      const ran = await runOrRefused(
        ctx,
        'conf-predict',
        {
          ...base,
          name: 'conformance-predict',
          predict: { model: { name: model.name, version: model.version } },
        },
        'predict',
      );
      if (ran === undefined) return;
      const { jobId, events } = ran;
      const final = events.find(isFinal);
      expectThat(
        final?.type === 'state' && final.state === 'completed',
        `predict job ${jobId} ended ${JSON.stringify(final)?.slice(0, 200)}`,
      );
      const predictions = events.flatMap((e) =>
        e.type === 'artifact' && e.artifact.kind === 'predictions' ? [e.artifact] : [],
      );
      expectThat(predictions.length > 0, `predict job ${jobId} registered no predictions artifact`);
      const artifact = predictions.at(-1)!;
      const { bytes } = await ctx.download(artifact.path);
      const sha256 = await sha256Hex(bytes);
      expectThat(
        bytes.length === artifact.size &&
          (artifact.sha256 === undefined || sha256 === artifact.sha256),
        `the predictions downloaded as ${bytes.length} bytes with SHA-256 ${sha256}; the artifact says ${artifact.size} bytes, ${artifact.sha256}`,
      );
    },
  },
];
