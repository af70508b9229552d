import { fireEvent, render, screen, within } from '@testing-library/react';
import { BUILTIN_PRESETS, Experiments, Models, type RpcPeer } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, flush, setup, until } from './__tests__/harness.js';
import { serveRegistry } from './__tests__/registry.js';
import { readinessOf } from './__tests__/workerExtras.js';
import { Dashboard } from './Dashboard.js';
import { TrainwireProvider } from './TrainwireProvider.js';

async function dashboard(options: { failAtEpoch?: number } = {}) {
  const ready = await setup({}, options);
  const registry = await serveRegistry(ready);
  const experiments = new Experiments(registry.peer);
  const view = render(
    <TrainwireProvider manager={ready.manager}>
      <Dashboard experiments={experiments} peer={registry.peer} />
    </TrainwireProvider>,
  );
  return { ...ready, ...view, experiments };
}

const region = (name: string) => screen.getByRole('region', { name });
const jobs = (worker: { store: { listJobs(): Array<{ spec: unknown }> } }) =>
  worker.store.listJobs().map((job) => job.spec as Record<string, unknown>);

describe('Dashboard', () => {
  it('welcomes a first visit, and one click trains with the default preset, live, with Stop', async () => {
    const { clock, worker, container } = await dashboard();
    await until(clock, 'the welcome', () => screen.queryByRole('region', { name: 'Welcome' }));
    expect(region('Worker').textContent).toBe(
      'Workerw1 (available)CPUscripted, 1 coreMemory16 GiBGPUNot detected',
    );
    expect(screen.queryByRole('region', { name: 'Quick Start' })).toBeNull();
    await expectAccessible(container);

    fireEvent.click(screen.getByRole('button', { name: 'Start your first training' }));
    const activity = await until(clock, 'the live job', () =>
      screen.queryByRole('region', { name: 'Recent Activity' }),
    );
    await until(clock, 'epoch 2', () => activity.textContent?.includes('Epoch 2/8'));
    expect(activity.textContent).toContain('Quick run 1 — Running on w1');
    const progress = within(activity).getByRole('progressbar', { name: 'Progress of Quick run 1' });
    expect(progress.getAttribute('max')).toBe('8');
    // The job runs in the experiment Quick Start made, with the preset's config.
    expect(jobs(worker)).toEqual([
      expect.objectContaining({
        profile: 'builtin',
        name: 'Quick run 1',
        config: BUILTIN_PRESETS.quick,
        experimentId: expect.any(String),
      }),
    ]);
    expect(
      (screen.getByRole('button', { name: 'Start training' }) as HTMLButtonElement).disabled,
    ).toBe(true);
    expect(region('Quick Start').textContent).toContain('A training is running');
    expect(region('Worker').textContent).toContain('w1 (busy)');
    await expectAccessible(container);

    await until(clock, 'the end', () =>
      activity.textContent?.includes('Remote Training Completed Successfully. Trained 8 epochs.'),
    );
    const recent = region('Recent Experiments');
    await until(clock, 'the completed row', () =>
      recent.textContent?.includes('Quick run 1completedtrain/loss 0.1250 · val/loss 0.1375'),
    );
    const artifacts = region('Latest Artifacts');
    await until(clock, 'the checkpoint', () => artifacts.textContent?.includes('last.ckpt'));
    expect(within(artifacts).getByRole('listitem').textContent).toMatch(
      /^checkpoint last\.ckpt · 1\.0 KiB · epoch 7 · from Quick run 1 Copy path/,
    );

    // Resume: a child of it, from its checkpoint, for as many epochs again; Stop ends it early.
    fireEvent.click(screen.getByRole('button', { name: 'Resume Quick run 1' }));
    await until(clock, 'the resumed job', () =>
      activity.textContent?.includes('Quick run 1 (continued) — Running'),
    );
    const [first, resumed] = jobs(worker);
    expect(resumed).toMatchObject({
      name: 'Quick run 1 (continued)',
      config: { ...BUILTIN_PRESETS.quick, epochs: 16 },
      resume: expect.stringMatching(/^\/runs\/.+\/last\.ckpt$/),
      parentExperiment: first?.experimentId,
    });
    fireEvent.click(within(activity).getByRole('button', { name: 'Stop' }));
    await until(clock, 'the early stop', () => activity.textContent?.includes('Stopped early'));
    await until(clock, 'two rows', () => within(recent).queryAllByRole('row').length === 3);
    expect(within(recent).getAllByRole('row')[1]?.textContent).toContain(
      'Quick run 1 (continued)completed',
    );

    // Resume of the run stopped early finishes it: the total stays 16, not 32.
    fireEvent.click(screen.getByRole('button', { name: 'Resume Quick run 1 (continued)' }));
    await until(clock, 'the third job', () => jobs(worker).length === 3);
    const [, stopped, finishing] = jobs(worker);
    expect(finishing).toMatchObject({
      config: { ...BUILTIN_PRESETS.quick, epochs: 16 },
      parentExperiment: stopped?.experimentId,
    });
  });

  it('offers Retry for a failed run: a new experiment of the same config', async () => {
    const { clock, worker } = await dashboard({ failAtEpoch: 1 });
    fireEvent.click(
      await until(clock, 'the welcome', () =>
        screen.queryByRole('button', { name: 'Start your first training' }),
      ),
    );
    const retry = await until(clock, 'Retry', () =>
      screen.queryByRole('button', { name: 'Retry Quick run 1' }),
    );
    expect(region('Recent Activity').textContent).toContain('Training failed after epoch 2 of 8');
    fireEvent.click(retry);
    await until(clock, 'the retry', () => jobs(worker).length === 2);
    const [failed, again] = jobs(worker);
    expect(again).toMatchObject({
      name: 'Quick run 1 (retry)',
      config: BUILTIN_PRESETS.quick,
      parentExperiment: failed?.experimentId,
    });
    expect(again?.experimentId).not.toBe(failed?.experimentId);
  });

  it('holds back what needs a ready worker, saying why, with the check log; Check again asks anew', async () => {
    const ready = await setup();
    const registry = await serveRegistry(ready, {
      readiness: {
        notReady: {
          builtin: 'node was not found on this worker; install it, or fix the profile’s command',
          'generate-dataset':
            'the built-in trainer is not built (npm run build in packages/worker)',
        },
      },
    });
    const { container } = render(
      <TrainwireProvider manager={ready.manager}>
        <Dashboard
          experiments={new Experiments(registry.peer)}
          peer={registry.peer}
          models={new Models(registry.peer)}
        />
      </TrainwireProvider>,
    );
    const button = (name: string) => screen.getByRole('button', { name }) as HTMLButtonElement;
    const training = await until(
      ready.clock,
      'the readiness',
      () => region('Training').textContent?.includes('Not ready to train') && region('Training'),
    );
    await until(ready.clock, 'the welcome', () =>
      screen.queryByRole('region', { name: 'Welcome' }),
    );
    const notBuiltin =
      'Not ready on this worker: builtin: node was not found on this worker; install it, or fix the profile’s command.';
    expect(button('Start your first training').disabled).toBe(true);
    expect(region('Welcome').textContent).toContain(notBuiltin);
    expect(button('New model…').disabled).toBe(true);
    expect(button('New model…').title).toBe(notBuiltin);
    expect(button('Generate synthetic data…').title).toBe(
      'Not ready on this worker: generate-dataset: the built-in trainer is not built (npm run build in packages/worker).',
    );
    expect(button('Fine-tune current model…').title).toBe(
      'No active model yet: a model trained with New model becomes active when it completes.',
    );
    expect(training.textContent).toContain(
      'Not ready to train: builtin: node was not found on this worker; install it, or fix the profile’s command; generate-dataset: the built-in trainer is not built (npm run build in packages/worker). Open the check log to see what was found.',
    );
    const log = within(training).getByText('Check log').parentElement!;
    expect(log.tagName).toBe('DETAILS');
    expect(
      within(log)
        .getAllByRole('heading')
        .map((h) => h.textContent),
    ).toEqual([
      'builtin: not ready — node was not found on this worker; install it, or fix the profile’s command',
      'generate-dataset: not ready — the built-in trainer is not built (npm run build in packages/worker)',
    ]);
    expect(log.textContent).toContain('node: not found');
    await expectAccessible(container);

    // The operator fixed it: Check again asks the worker to run its checks anew.
    registry.setReadiness({});
    fireEvent.click(within(training).getByRole('button', { name: 'Check again' }));
    await until(ready.clock, 'ready', () => !button('New model…').disabled);
    expect(button('Start your first training').disabled).toBe(false);
    expect(button('Generate synthetic data…').disabled).toBe(false);
    expect(training.textContent).toContain(
      'Ready to train (builtin, generate-dataset). GPU: Not detected.',
    );
  });

  it('says when the worker cannot be asked, and starts nothing', async () => {
    const ready = await setup();
    // The worker says it is ready, then every other request fails.
    const broken = {
      request: async (method: string) => {
        if (method === 'worker.readiness') return readinessOf({}, 0);
        throw new Error('the link to w1 is closed');
      },
    } as Pick<RpcPeer, 'request'>;
    render(
      <TrainwireProvider manager={ready.manager}>
        <Dashboard experiments={new Experiments(broken)} peer={broken} />
      </TrainwireProvider>,
    );
    await flush();
    expect(screen.getAllByRole('alert').map((a) => a.textContent)).toEqual([
      'Could not ask the worker about its machine: the link to w1 is closed',
      "Could not list the worker's experiments: the link to w1 is closed",
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    await flush();
    expect(screen.getAllByRole('alert').at(-1)?.textContent).toBe(
      'Could not start the quick training: the link to w1 is closed',
    );
    expect(ready.worker.store.listJobs()).toEqual([]);
  });
});
