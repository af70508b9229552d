import { afterEach, describe, expect, it } from 'vitest';
import type { JobManagerOptions } from './JobManager.js';
import { applyPathFix, resolvedInputs } from './paths/PathResolution.js';
import { SubmitFlow, type SubmitPhase } from './SubmitFlow.js';
import type { ScriptedWorkerOptions } from './testing/ScriptedWorker.js';
import { createScriptedSetup } from './testing/scriptedSetup.js';

// The submit flow the CLI's `train` and the panel's Run share: submit, fix paths, resubmit.

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

async function setup(
  options: { manager?: JobManagerOptions; worker?: ScriptedWorkerOptions } = {},
) {
  const ready = await createScriptedSetup(options);
  disposers.push(ready.dispose);
  return ready;
}

/** Every phase `flow` passes through, in order (the first included). */
function phasesOf(flow: SubmitFlow): SubmitPhase[] {
  const phases: SubmitPhase[] = [flow.getSnapshot().phase];
  flow.subscribe(() => {
    const { phase } = flow.getSnapshot();
    if (phases[phases.length - 1] !== phase) phases.push(phase);
  });
  return phases;
}

describe('SubmitFlow', () => {
  it('asks the view to fix a missing input, submits again with the fix, and the job runs', async () => {
    const { clock, manager, worker } = await setup({
      worker: { files: { '/srv/data/labels.slp': { size: 10 } } },
    });
    const asked: string[] = [];
    const flow = new SubmitFlow(
      manager,
      { profile: 'builtin', config: { epochs: 2 }, inputs: { labels: '/Users/me/labels.slp' } },
      {
        fixPaths: async (resolution) => {
          const entry = resolution.entries[0]!;
          asked.push(`${entry.clientPath} → ${entry.candidates[0]?.path}`);
          return resolvedInputs(applyPathFix(resolution, entry.role, entry.candidates[0]!.path));
        },
      },
    );
    const phases = phasesOf(flow);
    await clock.tick(500, 10);
    const settled = await flow.done;
    expect(asked).toEqual(['/Users/me/labels.slp → /srv/data/labels.slp']);
    expect(phases).toEqual(['submitting', 'fixing-paths', 'submitting', 'started']);
    expect(settled).toMatchObject({ phase: 'started', attempts: 2, error: null });
    expect(settled.spec.inputs).toEqual({ labels: '/srv/data/labels.slp' });
    await clock.tick(5_000, 100);
    expect((await settled.session!.done).state).toBe('completed');
    expect(worker.store.listJobs()).toHaveLength(1);
  });

  it('without a path fix, ends refused with the resolution the dialog needs', async () => {
    const { clock, manager, worker } = await setup({
      worker: { files: { '/srv/data/labels.slp': { size: 10 } } },
    });
    const flow = new SubmitFlow(manager, {
      profile: 'builtin',
      config: {},
      inputs: { labels: '/Users/me/labels.slp' },
    });
    await clock.tick(500, 10);
    const settled = await flow.done;
    expect(settled.phase).toBe('refused');
    expect(settled.error?.code).toBe('paths_missing');
    expect(settled.resolution?.entries[0]?.candidates[0]?.path).toBe('/srv/data/labels.slp');
    expect(worker.store.listJobs()).toEqual([]);
  });

  it('asks to acknowledge warnings first: declined submits nothing, acknowledged runs', async () => {
    const { clock, manager, worker } = await setup();
    const spec = { profile: 'builtin', config: { epochs: 1, checkpointEvery: 0 } };
    const declined = new SubmitFlow(manager, spec, {
      acknowledgeWarnings: async (warnings) => {
        expect(warnings.map((w) => w.code)).toEqual(['few_checkpoints']);
        return false;
      },
    });
    expect((await declined.done).phase).toBe('declined');
    expect(worker.store.listJobs()).toEqual([]);
    const acknowledged = new SubmitFlow(manager, spec, { acknowledgeWarnings: async () => true });
    await clock.tick(500, 10);
    expect((await acknowledged.done).phase).toBe('started');
    expect(worker.store.listJobs()).toHaveLength(1);
  });

  it('a busy worker: refused, naming the job in the way', async () => {
    const { clock, manager } = await setup({ manager: { maxConcurrentPerTarget: 2 } });
    const first = new SubmitFlow(manager, { profile: 'builtin', config: { epochs: 100 } });
    await clock.tick(500, 10);
    const running = (await first.done).session!.jobId;
    const second = new SubmitFlow(manager, { profile: 'builtin', config: { epochs: 1 } });
    await clock.tick(500, 10);
    expect(await second.done).toMatchObject({
      phase: 'refused',
      error: { code: 'worker_busy' },
      blockingJobs: [running],
    });
  });

  it('a spec the manager rejects outright rejects `done`, and the snapshot says why', async () => {
    const { manager } = await setup();
    const flow = new SubmitFlow(manager, { profile: '', config: {} });
    await expect(flow.done).rejects.toMatchObject({ code: 'validation_failed' });
    expect(flow.getSnapshot()).toMatchObject({ phase: 'refused', session: null });
  });
});
