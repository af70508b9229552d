import { fireEvent, render, screen, within } from '@testing-library/react';
import { BUILTIN_PRESETS, Experiments, Models } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, setup, until } from './__tests__/harness.js';
import { serveRegistry } from './__tests__/registry.js';
import { ModelsPanel } from './ModelsPanel.js';
import { TrainwireProvider } from './TrainwireProvider.js';

const button = (name: string) => screen.getByRole('button', { name }) as HTMLButtonElement;

describe('FineTuneDialog', () => {
  it('fine-tunes the active model on a chosen dataset, the model locked while it runs; the result is its next version, active', async () => {
    // The scripted worker has the file the dataset job writes (paths.check finds it).
    const ready = await setup({}, { files: { '/data/datasets/blobs.csv': { size: 9_600 } } });
    const { clock, manager, worker } = ready;
    const registry = await serveRegistry(ready, { registersJobModels: true });
    // Two runs named mouse-pose: the worker registers each as a version, the last active.
    for (const epochs of [2, 3]) {
      const session = manager.submit({
        profile: 'builtin',
        name: 'mouse-pose',
        config: { ...BUILTIN_PRESETS.quick, epochs },
      });
      await until(clock, 'the run', () => session.getSnapshot().state === 'completed');
    }
    // A dataset on the worker to fine-tune on (the link answers as virtual time moves).
    void registry.peer.request('dataset.generate', { jobId: 'd1', name: 'blobs', samples: 400 });
    await until(clock, 'the dataset', () =>
      worker.store.listJobs().some((j) => j.jobId === 'd1' && j.state === 'completed'),
    );

    const { container } = render(
      <TrainwireProvider manager={manager}>
        <ModelsPanel
          models={new Models(registry.peer)}
          experiments={new Experiments(registry.peer)}
          peer={registry.peer}
        />
      </TrainwireProvider>,
    );
    const status = (version: number) =>
      within(screen.getByRole('table', { name: 'mouse-pose' }))
        .getByRole('row', { name: new RegExp(`^v${version} `) })
        .querySelectorAll('td')[3]?.textContent;
    const fineTune = await until(clock, 'Fine-tune on the active version', () => {
      const found = screen.queryByRole('button', { name: 'Fine-tune mouse-pose version 2' });
      return found !== null && !(found as HTMLButtonElement).disabled && found;
    });
    expect(status(2)).toBe('Active');
    fireEvent.click(fineTune);
    const dialog = screen.getByRole('dialog', { name: 'Fine-Tune Current Model' });
    expect(within(dialog).getByRole('status', { name: 'Model' }).textContent).toBe(
      'Locked: mouse-pose version 2 (active) · last.ckpt',
    );
    const dataset = within(dialog).getByRole('combobox', { name: 'Dataset' });
    await until(clock, 'the datasets', () => within(dataset).queryAllByRole('option').length === 2);
    fireEvent.change(dataset, { target: { value: '/data/datasets/blobs.csv' } });
    // The epochs it was trained with, as the placeholder: empty keeps them.
    const epochs = within(dialog).getByRole('spinbutton', { name: 'Epochs' }) as HTMLInputElement;
    await until(clock, 'the source config', () => epochs.placeholder === '3');
    fireEvent.change(epochs, { target: { value: '4' } });
    await expectAccessible(container);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Start fine-tuning' }));
    await until(clock, 'the dialog closed', () => screen.queryByRole('dialog') === null);

    const running = await until(
      clock,
      'the fine-tune running',
      () =>
        screen.queryByRole('region', { name: 'Fine-tuning' })?.textContent?.includes('Running') &&
        screen.getByRole('region', { name: 'Fine-tuning' }),
    );
    expect(running.textContent).toContain('mouse-pose — Running on w1');
    expect(worker.store.listJobs().at(-1)?.spec).toMatchObject({
      profile: 'builtin',
      name: 'mouse-pose',
      fineTune: { model: 'mouse-pose', version: 2 },
      inputs: { dataset: '/data/datasets/blobs.csv' },
      config: { ...BUILTIN_PRESETS.quick, epochs: 4 },
      tags: ['fine-tune'],
    });
    // Locked: it cannot be swapped for another version, nor deleted, until the job ends.
    expect(status(2)).toBe('ActiveLocked: fine-tuning');
    expect(button('Set mouse-pose version 1 active').disabled).toBe(true);
    expect(button('Set mouse-pose version 1 active').title).toMatch(
      /^mouse-pose is locked while job \S+ fine-tunes version 2; wait for it to end\.$/,
    );
    expect(button('Delete mouse-pose version 2').disabled).toBe(true);
    expect(button('Fine-tune mouse-pose version 2').disabled).toBe(true);
    await expectAccessible(container);

    await until(clock, 'the end', () => running.textContent?.includes('Trained 4 epochs.'));
    await until(clock, 'version 3, active', () => status(3) === 'Active');
    expect(status(2)).toBe('—');
    expect(button('Set mouse-pose version 1 active').disabled).toBe(false);
    expect(button('Delete mouse-pose version 2').disabled).toBe(false);
  });
});
