import { fireEvent, render, screen, within } from '@testing-library/react';
import { BUILTIN_PRESETS, Experiments, Models } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, setup, until } from './__tests__/harness.js';
import { serveRegistry } from './__tests__/registry.js';
import type { ExtrasOptions } from './__tests__/workerExtras.js';
import { Dashboard } from './Dashboard.js';
import { NewModelWizard } from './NewModelWizard.js';
import { TrainwireProvider } from './TrainwireProvider.js';

async function dashboard(extras: ExtrasOptions = { registersJobModels: true }) {
  const ready = await setup();
  const registry = await serveRegistry(ready, extras);
  const view = render(
    <TrainwireProvider manager={ready.manager}>
      <Dashboard
        experiments={new Experiments(registry.peer)}
        peer={registry.peer}
        models={new Models(registry.peer)}
      />
    </TrainwireProvider>,
  );
  return { ...ready, ...view, registry };
}

const jobs = (worker: { store: { listJobs(): Array<{ spec: unknown }> } }) =>
  worker.store.listJobs().map((job) => job.spec as Record<string, unknown>);
const presetLines = (dialog: HTMLElement) =>
  within(within(dialog).getByRole('group', { name: 'Preset' }))
    .queryAllByRole('radio')
    .map((radio) => radio.parentElement?.textContent?.trim());

describe('NewModelWizard', () => {
  it('sanitises the name as typed, shows each preset’s estimate (none before a run, one after), and trains from scratch then from the model', async () => {
    const { clock, worker, container } = await dashboard();
    const open = async () => {
      const button = await until(clock, 'New model enabled', () => {
        const found = screen.queryByRole('button', { name: 'New model…' }) as HTMLButtonElement;
        return found !== null && !found.disabled && found;
      });
      button.focus();
      fireEvent.click(button);
      return screen.getByRole('dialog', { name: 'New Model' });
    };
    const dialog = await open();
    const name = within(dialog).getByRole('textbox', { name: 'Model name' });
    expect(document.activeElement).toBe(name);
    fireEvent.change(name, { target: { value: 'Mouse pose #1 (left)' } });
    expect(within(dialog).getByText('Saved as Mouse-pose-1-left')).toBeTruthy();
    // A fresh worker has no history: it says so rather than guessing.
    await until(clock, 'the presets', () => presetLines(dialog).length === 3);
    expect(presetLines(dialog)).toEqual([
      'Quick — 8 epochs · no history yet',
      'Standard — 30 epochs · no history yet',
      'Epic — 100 epochs · no history yet',
    ]);
    // No GPU on this worker: CPU only, and the GPU line says so.
    const device = within(dialog).getByRole('combobox', { name: 'Device' });
    expect(
      within(device)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['CPU']);
    expect(dialog.textContent).toContain('GPU: Not detected: training runs on the CPU.');
    expect(
      within(within(dialog).getByRole('group', { name: 'Start from' })).getAllByRole('radio'),
    ).toHaveLength(1);
    fireEvent.change(within(dialog).getByRole('spinbutton', { name: 'Epochs' }), {
      target: { value: '4' },
    });
    fireEvent.change(within(dialog).getByRole('spinbutton', { name: 'Learning rate' }), {
      target: { value: '0.02' },
    });
    await expectAccessible(container);

    fireEvent.click(within(dialog).getByRole('button', { name: 'Start training' }));
    await until(clock, 'the dialog closed', () => screen.queryByRole('dialog') === null);
    const activity = screen.getByRole('region', { name: 'Recent Activity' });
    await until(clock, 'the run', () =>
      activity.textContent?.includes('Mouse-pose-1-left — Running'),
    );
    expect(jobs(worker)).toEqual([
      expect.objectContaining({
        profile: 'builtin',
        name: 'Mouse-pose-1-left',
        device: 'cpu',
        config: { ...BUILTIN_PRESETS.quick, epochs: 4, learningRate: 0.02 },
        experimentId: expect.any(String),
      }),
    ]);
    expect(jobs(worker)[0]).not.toHaveProperty('fineTune');
    await until(clock, 'the end', () => activity.textContent?.includes('Trained 4 epochs.'));
    // Cancel (or Escape) closes it, and focus is back on the button that opened it.
    fireEvent.click(within(await open()).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'New model…' }));
    fireEvent.keyDown(within(await open()).getByRole('textbox', { name: 'Model name' }), {
      key: 'Escape',
    });
    expect(screen.queryByRole('dialog')).toBeNull();

    // One run of 1 s epochs on the quick preset's 2 000 samples: each preset scaled from it.
    const again = await open();
    await until(clock, 'the estimates', () => presetLines(again)[0]?.includes('from 1 run'));
    expect(presetLines(again)).toEqual([
      'Quick — 8 epochs · about 8 s (from 1 run)',
      'Standard — 30 epochs · about 3 min (from 1 run)',
      'Epic — 100 epochs · about 42 min (from 1 run)',
    ]);
    // The run registered its model under its name: start from it (a fine-tune).
    const base = await until(clock, 'the registered model', () =>
      within(again).queryByRole('radio', {
        name: 'Fine-tune Mouse-pose-1-left version 1 (active)',
      }),
    );
    fireEvent.click(base);
    fireEvent.change(within(again).getByRole('textbox', { name: 'Model name' }), {
      target: { value: 'pose-tuned' },
    });
    await expectAccessible(container);
    fireEvent.click(within(again).getByRole('button', { name: 'Start training' }));
    await until(clock, 'the second job', () => jobs(worker).length === 2);
    expect(jobs(worker)[1]).toMatchObject({
      profile: 'builtin',
      name: 'pose-tuned',
      fineTune: { model: 'Mouse-pose-1-left', version: 1 },
      config: BUILTIN_PRESETS.quick,
    });
    expect(jobs(worker)[1]).not.toHaveProperty('experimentId');
  });

  it('offers the GPU when the worker has one, hides it with the CPU-only preference, and refuses an empty name', async () => {
    const ready = await setup();
    const registry = await serveRegistry(ready, { readiness: { gpu: true } });
    const wizard = (cpuOnly: boolean) => (
      <TrainwireProvider manager={ready.manager}>
        <NewModelWizard
          experiments={new Experiments(registry.peer)}
          peer={registry.peer}
          cpuOnly={cpuOnly}
          onClose={() => undefined}
        />
      </TrainwireProvider>
    );
    const view = render(wizard(false));
    const options = () =>
      within(screen.getByRole('combobox', { name: 'Device' }))
        .getAllByRole('option')
        .map((o) => o.textContent);
    await until(ready.clock, 'the GPU', () => options().length === 3);
    expect(options()).toEqual(['Auto (GPU when available)', 'GPU', 'CPU']);
    expect(screen.getByRole('dialog').textContent).toContain('GPU: NVIDIA A100 (40960 MiB)');
    const start = screen.getByRole('button', { name: 'Start training' }) as HTMLButtonElement;
    expect(start.disabled).toBe(true);
    expect(screen.getByText('Give the model a name first.')).toBeTruthy();
    fireEvent.change(screen.getByRole('textbox', { name: 'Model name' }), {
      target: { value: '!!!' },
    });
    expect(start.disabled).toBe(true);
    view.rerender(wizard(true));
    await until(ready.clock, 'CPU only', () => options().length === 1);
    expect(options()).toEqual(['CPU']);
  });
});
