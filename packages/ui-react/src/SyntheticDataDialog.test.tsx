import { fireEvent, render, screen, within } from '@testing-library/react';
import type { Artifact } from '@trainwire/core';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { expectAccessible, setup, until } from './__tests__/harness.js';
import { serveRegistry } from './__tests__/registry.js';
import { SyntheticDataDialog } from './SyntheticDataDialog.js';
import { TrainwireProvider } from './TrainwireProvider.js';

const generations = (worker: {
  store: { listJobs(): Array<{ spec: { profile: string; config: Record<string, unknown> } }> };
}) =>
  worker.store
    .listJobs()
    .filter((job) => job.spec.profile === 'generate-dataset')
    .map((job) => job.spec);

describe('SyntheticDataDialog', () => {
  it('generates a dataset as a job of its own, shows its progress and file, and asks before replacing one of the same name', async () => {
    const ready = await setup();
    const { clock, worker } = ready;
    const registry = await serveRegistry(ready);
    const written: Artifact[] = [];
    function Host() {
      const [round, setRound] = useState(0);
      return (
        <>
          <button type="button" onClick={() => setRound((n) => n + 1)}>
            Open again
          </button>
          <SyntheticDataDialog
            key={round}
            peer={registry.peer}
            onGenerated={(dataset) => written.push(dataset)}
            onClose={() => undefined}
          />
        </>
      );
    }
    const { container } = render(
      <TrainwireProvider manager={ready.manager}>
        <Host />
      </TrainwireProvider>,
    );
    const dialog = () => screen.getByRole('dialog', { name: 'Generate Synthetic Data' });
    const field = (name: string) =>
      within(dialog()).getByRole(name === 'Name' ? 'textbox' : 'spinbutton', { name });
    fireEvent.change(field('Name'), { target: { value: 'hard blobs!' } });
    expect(within(dialog()).getByText("Saved as hard-blobs.csv in the worker's datasets folder"));
    fireEvent.change(field('Samples'), { target: { value: '500' } });
    fireEvent.change(field('Seed'), { target: { value: '3' } });
    fireEvent.change(within(dialog()).getByRole('slider', { name: 'Diversity' }), {
      target: { value: '0.4' },
    });
    expect(within(dialog()).getByRole('status').textContent).toBe('0.40');
    await expectAccessible(container);
    const generate = await until(clock, 'Generate enabled', () => {
      const button = within(dialog()).getByRole('button', {
        name: 'Generate',
      }) as HTMLButtonElement;
      return !button.disabled && button;
    });
    fireEvent.click(generate);

    const progress = await until(clock, 'the job', () =>
      within(dialog()).queryByRole('region', { name: 'Generation' }),
    );
    await until(clock, 'its progress', () =>
      within(progress).queryByRole('progressbar', { name: 'Progress of dataset hard-blobs' }),
    );
    expect(progress.textContent).toContain('Generating on w1…');
    await until(clock, 'the file', () =>
      progress.textContent?.includes('Dataset written: hard-blobs.csv (11.7 KiB) on the worker.'),
    );
    expect(progress.textContent).toContain('Path on the worker: /data/datasets/hard-blobs.csv');
    expect(generations(worker)).toEqual([
      expect.objectContaining({
        name: 'dataset hard-blobs',
        config: expect.objectContaining({
          name: 'hard-blobs',
          samples: 500,
          noise: 0.4,
          seed: 3,
          overwrite: false,
        }),
      }),
    ]);
    expect(written.map((d) => d.path)).toEqual(['/data/datasets/hard-blobs.csv']);

    // The same name again: the worker answers dataset_exists; the dialog asks first.
    fireEvent.click(screen.getByRole('button', { name: 'Open again' }));
    fireEvent.change(field('Name'), { target: { value: 'hard-blobs' } });
    fireEvent.click(
      await until(clock, 'Generate enabled', () => {
        const button = within(dialog()).getByRole('button', {
          name: 'Generate',
        }) as HTMLButtonElement;
        return !button.disabled && button;
      }),
    );
    const confirm = await until(clock, 'the confirmation', () =>
      screen.queryByRole('alertdialog', { name: 'Replace the dataset?' }),
    );
    expect(confirm.textContent).toContain(
      'A dataset named hard-blobs already exists on this worker (/data/datasets/hard-blobs.csv).',
    );
    expect(document.activeElement?.textContent).toBe('Keep it, pick another name');
    // Tab stays inside the dialog: past its last button, back to its first.
    within(confirm).getByRole('button', { name: 'Replace it' }).focus();
    fireEvent.keyDown(document.activeElement!, { key: 'Tab' });
    expect(document.activeElement?.textContent).toBe('Keep it, pick another name');
    fireEvent.keyDown(document.activeElement!, { key: 'Tab', shiftKey: true });
    expect(document.activeElement?.textContent).toBe('Replace it');
    await expectAccessible(container);
    expect(generations(worker)).toHaveLength(1);
    // Keeping it goes back to the form, with what was typed.
    fireEvent.click(within(confirm).getByRole('button', { name: 'Keep it, pick another name' }));
    expect((field('Name') as HTMLInputElement).value).toBe('hard-blobs');
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Generate' }));
    fireEvent.click(
      within(
        await until(clock, 'the confirmation again', () =>
          screen.queryByRole('alertdialog', { name: 'Replace the dataset?' }),
        ),
      ).getByRole('button', { name: 'Replace it' }),
    );
    await until(clock, 'the replaced file', () =>
      screen.queryByText('Dataset written: hard-blobs.csv (23.4 KiB) on the worker.'),
    );
    expect(generations(worker)[1]?.config).toMatchObject({ name: 'hard-blobs', overwrite: true });
  });
});
