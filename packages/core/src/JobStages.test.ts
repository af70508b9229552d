import { describe, expect, it } from 'vitest';
import { describeFailure } from './describeFailure.js';
import { describeOutcome } from './describeOutcome.js';
import { JobSession } from './JobSession.js';
import { describeStage } from './JobStages.js';
import { pipelineIssues, specInputPaths } from './pipelineIssues.js';
import type { JobEvent } from './schemas/JobEvent.js';
import { JobSpecSchema } from './schemas/JobSpec.js';
import type { JobStage } from './schemas/StageSpec.js';
import { validateWithProfile } from './validation/ConfigProfileRegistry.js';
import { pipelineSpec } from './validation/pipelinePresets.js';
import { sleapNnConfigProfile } from './validation/sleapNnConfigProfile.js';

const spec = JobSpecSchema.parse({
  profile: 'pipeline',
  stages: [
    { name: 'centroid', profile: 'builtin', config: { epochs: 3 }, inputs: { labels: '/d/a.slp' } },
    {
      name: 'centered_instance',
      profile: 'builtin',
      config: { epochs: 2 },
      inputs: { labels: '/d/a.slp', centroid_model: 'stage:centroid' },
    },
  ],
});
const link = {
  fetchEvents: async () => [],
  stop: async () => undefined,
  cancel: async () => undefined,
};
const centroid: JobStage = { index: 0, count: 2, name: 'centroid' };
const centered: JobStage = { index: 1, count: 2, name: 'centered_instance' };

/** Feeds a session the events of stages: each `[stage, epochs]` runs that many epochs. */
function pipelineSession(stages: [JobStage, number][], end: Partial<JobEvent>) {
  const session = new JobSession({ jobId: 'p', spec, link, stageTotalEpochs: [3, 2] });
  let seq = 0;
  const push = (event: Record<string, unknown>) =>
    session.ingest({ jobId: 'p', seq: ++seq, ts: seq * 1000, ...event } as JobEvent);
  for (const [stage, epochs] of stages) {
    push({ type: 'state', state: 'running', reason: describeStage(stage), stage });
    for (let epoch = 0; epoch < epochs; epoch++) {
      push({
        type: 'progress',
        stage,
        progress: { event: 'epoch_begin', epoch, what: stage.name },
      });
      push({
        type: 'progress',
        stage,
        progress: { event: 'batch_end', epoch, batch: 0, logs: { loss: 1 } },
      });
      push({
        type: 'progress',
        stage,
        progress: {
          event: 'epoch_end',
          epoch,
          what: stage.name,
          logs: { 'train/loss': 1 / (epoch + 1) },
        },
      });
    }
  }
  push({ type: 'state', ...end });
  return session;
}

describe('pipeline stages in a session', () => {
  it('exposes the current stage and restarts progress, batches and totals per stage', async () => {
    const session = pipelineSession(
      [
        [centroid, 3],
        [centered, 1],
      ],
      { state: 'running', stage: centered },
    );
    const snapshot = session.getSnapshot();
    expect(snapshot.stage).toEqual(centered);
    expect(snapshot.progress.history.map((r) => r.epoch)).toEqual([0]);
    expect(snapshot.progress).toMatchObject({ completedEpochs: 1, totalEpochs: 2, startEpoch: 0 });
    expect(snapshot.batches.kept).toBe(1);
    expect(snapshot.stages).toHaveLength(1);
    expect(snapshot.stages[0]!.stage).toEqual(centroid);
    expect(snapshot.stages[0]!.progress).toMatchObject({ completedEpochs: 3, totalEpochs: 3 });
    expect(snapshot.stages[0]!.progress.history).toHaveLength(3);
  });

  it('a job without stages has none', () => {
    const plain = new JobSession({
      jobId: 'j',
      spec: JobSpecSchema.parse({ profile: 'builtin' }),
      link,
    });
    expect(plain.getSnapshot()).toMatchObject({ stage: null, stages: [] });
  });

  it('Stop Early in stage 1 reads as stopped early, naming the stage', async () => {
    const session = pipelineSession([[centroid, 3]], {
      state: 'completed',
      reason: 'stopped_early',
      stage: centroid,
    });
    const outcome = describeOutcome(await session.done);
    expect(outcome).toMatchObject({
      kind: 'stopped-early',
      stage: centroid,
      completedStages: ['centroid'],
    });
  });

  it('a failure in stage 2 names it and says what a resume does', async () => {
    const checkpoint = '/runs/p/stages/centered_instance/checkpoints/last.json';
    const session = pipelineSession(
      [
        [centroid, 3],
        [centered, 1],
      ],
      {
        state: 'failed',
        stage: centered,
        error: {
          code: 'trainer_failed',
          message: 'stage centered_instance: the trainer exited with code 1 after 1 epoch(s)',
          details: {
            exitCode: 1,
            signal: null,
            lastLines: [],
            epoch: 1,
            checkpointDir: '/runs/p/stages/centered_instance/checkpoints',
            lastCheckpoint: checkpoint,
            resumeCommand: `trainwire train --profile pipeline --config /runs/p/pipeline.json --resume ${checkpoint}`,
            stage: centered,
            completedStages: ['centroid'],
          },
        },
      },
    );
    const failure = describeFailure(await session.done)!;
    expect(failure.headline).toBe(
      'Training failed in stage 2/2 (centered_instance) after epoch 1 of 2',
    );
    expect(failure.stage).toBe('Stage 2/2: centered_instance');
    expect(failure.resumeNote).toBe(
      'Resuming restarts at stage centered_instance from its last checkpoint and reuses the model of stage centroid; later stages run after it.',
    );
    expect(failure.lastCheckpoint).toBe(checkpoint);
  });
});

describe('pipelineIssues', () => {
  const stage = (name: string, inputs: Record<string, string> = {}) => ({
    name,
    profile: 'builtin',
    config: {},
    inputs,
  });

  it('accepts a pipeline whose references name earlier stages', () => {
    expect(pipelineIssues(spec)).toEqual([]);
    expect(specInputPaths(spec)).toEqual({
      'centroid/labels': '/d/a.slp',
      'centered_instance/labels': '/d/a.slp',
    });
  });

  it('names each problem by its field', () => {
    const bad = JobSpecSchema.parse({
      profile: 'builtin',
      config: { epochs: 1 },
      stages: [stage('a', { m: 'stage:b' }), stage('b', { m: 'stage:zzz' }), stage('a')],
    });
    expect(pipelineIssues(bad).map((i) => [i.path, i.code])).toEqual([
      ['profile', 'pipeline_profile'],
      ['config', 'pipeline_config'],
      ['stages.0.inputs.m', 'bad_stage_ref'],
      ['stages.1.inputs.m', 'bad_stage_ref'],
      ['stages.2.name', 'duplicate_stage'],
    ]);
    expect(pipelineIssues(bad)[3]!.message).toContain('its stages are a, b, a');
  });

  it('refuses a stage reference in a job without stages, and fewer than 2 stages', () => {
    const plain = JobSpecSchema.parse({ profile: 'builtin', inputs: { base_model: 'stage:x' } });
    expect(pipelineIssues(plain)).toMatchObject([
      { path: 'inputs.base_model', code: 'bad_stage_ref' },
    ]);
    expect(JobSpecSchema.safeParse({ profile: 'pipeline', stages: [stage('a')] }).success).toBe(
      false,
    );
    expect(
      JobSpecSchema.safeParse({ profile: 'pipeline', stages: [stage('a b'), stage('c')] }).success,
    ).toBe(false);
  });
});

describe('the sleap-nn top-down preset', () => {
  it('makes two valid sleap-nn stages, centered_instance taking the centroid model', () => {
    const made = JobSpecSchema.parse(
      pipelineSpec('sleap-nn', 'top-down', {
        inputs: { labels: '/data/flies.slp' },
        overrides: { centroid: { trainer_config: { max_epochs: 5 } } },
      }),
    );
    expect(pipelineIssues(made)).toEqual([]);
    const [first, second] = made.stages!;
    expect(first).toMatchObject({
      name: 'centroid',
      profile: 'sleap-nn',
      inputs: { labels: '/data/flies.slp' },
    });
    expect(second).toMatchObject({
      name: 'centered_instance',
      inputs: { labels: '/data/flies.slp', centroid_model: 'stage:centroid' },
    });
    for (const stage of made.stages!) {
      const report = validateWithProfile(sleapNnConfigProfile, stage.config);
      expect(report.issues.filter((i) => i.severity === 'error')).toEqual([]);
    }
    const heads = (s: typeof first) =>
      Object.entries(
        (s!.config.model_config as { head_configs: Record<string, unknown> }).head_configs,
      )
        .filter(([, v]) => v !== null)
        .map(([k]) => k);
    expect(heads(first)).toEqual(['centroid']);
    expect(heads(second)).toEqual(['centered_instance']);
    expect(sleapNnConfigProfile.totalEpochs(first!.config)).toBe(5);
    expect(sleapNnConfigProfile.totalEpochs(second!.config)).toBe(100);
  });

  it('names the presets there are for an unknown one', () => {
    expect(() => pipelineSpec('sleap-nn', 'bottom-up', { inputs: {} })).toThrow(
      /sleap-nn top-down/,
    );
  });
});
