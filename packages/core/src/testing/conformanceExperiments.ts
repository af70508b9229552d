import type { Notice } from '../schemas/Notice.js';
import type { ConformanceCheck } from './conformance.js';
import { type ConformanceContext, ConformanceFailure, expectThat } from './conformanceContext.js';

/** The experiment of the kit's job (its id is the job's: the job named none). */
export function jobExperiment(ctx: ConformanceContext): string {
  const { jobId } = ctx.state;
  if (jobId === undefined) throw new ConformanceFailure('no job ran (see job.start)');
  return jobId;
}

/** A fresh id for something the kit makes (`conf-<what>-<time>-<random>`). */
export const fresh = (what: string) =>
  `conf-${what}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

/** Checks of experiments, their lineage and the model registry (after the job ran). */
export const EXPERIMENT_CHECKS: readonly ConformanceCheck[] = [
  {
    id: 'experiment.crud',
    title:
      'the job runs in an experiment of its id; experiments are created (idempotently), listed by tag, renamed, tagged and deleted',
    async run(ctx) {
      const own = await ctx.call('experiment.get', { experimentId: jobExperiment(ctx) });
      expectThat(
        own.jobIds.includes(jobExperiment(ctx)),
        `experiment ${own.experiment.id} does not list its job (jobIds ${JSON.stringify(own.jobIds)})`,
      );
      expectThat(
        own.experiment.status === 'completed',
        `the job's experiment is ${own.experiment.status}, not completed`,
      );
      const experimentId = fresh('exp');
      const tag = fresh('tag');
      const params = { experimentId, name: 'conformance', tags: [tag] };
      await ctx.call('experiment.create', params);
      await ctx.call('experiment.create', params); // a retry answers the same one
      await ctx.refused(
        'experiment.create',
        { experimentId, name: 'another name' },
        'experiment_conflict',
      );
      const listed = await ctx.call('experiment.list', { tag });
      expectThat(
        listed.total === 1 && listed.experiments[0]?.id === experimentId,
        `experiment.list by tag answered ${JSON.stringify(listed).slice(0, 200)}`,
      );
      const renamed = await ctx.call('experiment.rename', { experimentId, name: 'renamed' });
      expectThat(renamed.experiment.name === 'renamed', 'experiment.rename did not rename');
      const tagged = await ctx.call('experiment.tag', {
        experimentId,
        add: ['b', 'a'],
        remove: [tag],
      });
      expectThat(
        JSON.stringify(tagged.experiment.tags) === '["a","b"]',
        `tags are ${JSON.stringify(tagged.experiment.tags)}, not ["a","b"]`,
      );
      await ctx.call('experiment.delete', { experimentId, withArtifacts: false });
      const error = await ctx.refused('experiment.get', { experimentId }, 'unknown_experiment');
      expectThat(
        error.details?.experimentId === experimentId,
        'unknown_experiment carries no details.experimentId',
      );
    },
  },
  {
    id: 'experiment.lineage',
    title:
      'continue makes a child from a checkpoint; retry refuses a completed experiment; the lineage tree is one call; a parent is not deleted',
    async run(ctx) {
      const parentId = jobExperiment(ctx);
      const experimentId = fresh('child');
      const child = await ctx.call('experiment.continue', { experimentId, parentId });
      expectThat(
        child.experiment.parentId === parentId && child.experiment.relation === 'continue',
        `the child is ${JSON.stringify(child.experiment).slice(0, 200)}`,
      );
      expectThat(child.experiment.checkpointSource !== undefined, 'the child names no checkpoint');
      await ctx.refused(
        'experiment.retry',
        { experimentId: fresh('retry'), of: parentId },
        'experiment_state',
      );
      const tree = await ctx.call('experiment.lineage', { experimentId });
      const ids = tree.nodes.map((n) => n.id);
      expectThat(
        tree.rootId === parentId && ids.includes(parentId) && ids.includes(experimentId),
        `the lineage of ${experimentId} is ${JSON.stringify(tree).slice(0, 200)}`,
      );
      await ctx.refused('experiment.delete', { experimentId: parentId }, 'experiment_in_use');
      await ctx.call('experiment.delete', { experimentId });
    },
  },
  {
    id: 'model.registry',
    title:
      'a model registered and activated from the job reaches a subscriber as model.activated; the active version is not deleted',
    async run(ctx) {
      const notices: Notice[] = [];
      const subscription = ctx.peer.notices$.subscribe((n) => notices.push(n));
      try {
        await ctx.call('model.subscribe', {});
        const name = fresh('model');
        const { model } = await ctx.call('model.register', {
          name,
          experimentId: jobExperiment(ctx),
          activate: true,
        });
        expectThat(model.version === 1 && model.active, `registered ${JSON.stringify(model)}`);
        ctx.state.model = { name, version: model.version, artifactId: model.artifactId };
        await ctx.until(
          () => notices.some((n) => n.type === 'model.activated' && n.model.name === name),
          'for the model.activated notice',
          ctx.settings.requestTimeoutMs,
        );
        await ctx.refused('model.delete', { name, version: 1 }, 'model_active');
        const listed = await ctx.call('model.list', { name });
        expectThat(
          listed.models.length === 1,
          `model.list answered ${listed.models.length} versions`,
        );
      } finally {
        subscription.unsubscribe();
      }
    },
  },
];
