import { fireEvent, render, screen, within } from '@testing-library/react';
import { baseName, type PathResolution, resolvedInputs } from '@trainwire/core';
import { describe, expect, it, vi } from 'vitest';
import { expectAccessible, flush, setup, tick } from './__tests__/harness.js';
import { PathResolutionDialog } from './PathResolutionDialog.js';

const files = {
  '/mnt/data/videos/experiment_01.mp4': { size: 100 },
  '/mnt/data/videos/experiment_02.mp4': { size: 200 },
  '/mnt/data/labels.slp': { size: 5 },
};

/** A job refused because two of its videos are not where the client says. */
async function refused() {
  const { clock, manager } = await setup({}, { files });
  const session = manager.submit({
    profile: 'builtin',
    config: { epochs: 2 },
    inputs: {
      video1: '/Users/me/videos/experiment_01.mp4',
      video2: '/Users/me/videos/experiment_02.mp4',
      labels: '/mnt/data/labels.slp',
    },
  });
  await tick(clock, 100);
  const { error } = session.getSnapshot();
  expect(error?.code).toBe('paths_missing');
  // `details` is untyped in core until it is a union per error code.
  return error?.details?.resolution as PathResolution;
}

/** Lists a worker folder from the scripted worker's files. */
const listFolder = async (folder: string) =>
  Object.entries(files)
    .filter(([path]) => path.startsWith(`${folder}/`))
    .map(([path, { size }]) => ({ name: baseName(path), size }));

const statuses = () =>
  screen
    .getAllByRole('row')
    .slice(1)
    .map(
      (row) =>
        `${within(row).getByRole('rowheader').textContent} ${(row as HTMLTableRowElement).cells[1]!.textContent}`,
    );
const continueButton = () =>
  screen.getByRole('button', { name: 'Continue with Resolved' }) as HTMLButtonElement;

describe('PathResolutionDialog', () => {
  it('shows found and missing inputs; fixing one file proposes its siblings; then Continue', async () => {
    const resolution = await refused();
    const onContinue = vi.fn();
    const { container } = render(
      <PathResolutionDialog resolution={resolution} onContinue={onContinue} />,
    );
    expect(screen.getByRole('dialog', { name: 'Video Path Resolution Required' })).toBeTruthy();
    expect(statuses()).toEqual([
      'experiment_01.mp4 (video1) ✗ Missing',
      'experiment_02.mp4 (video2) ✗ Missing',
      'labels.slp (labels) ✓ Found',
    ]);
    expect(continueButton().disabled).toBe(true);
    await expectAccessible(container);
    // The worker found a file of the same name: use it for the first video.
    fireEvent.click(
      screen.getByRole('button', {
        name: 'Use /mnt/data/videos/experiment_01.mp4 for experiment_01.mp4',
      }),
    );
    expect(statuses()).toEqual([
      'experiment_01.mp4 (video1) ✓ Found',
      'experiment_02.mp4 (video2) ? Proposed',
      'labels.slp (labels) ✓ Found',
    ]);
    expect(continueButton().disabled).toBe(false);
    fireEvent.click(continueButton());
    expect(resolvedInputs(onContinue.mock.calls[0]![0])).toEqual({
      video1: '/mnt/data/videos/experiment_01.mp4',
      video2: '/mnt/data/videos/experiment_02.mp4',
      labels: '/mnt/data/labels.slp',
    });
  });

  it('auto-detects every missing file in a folder on the worker, and says when listing fails', async () => {
    const resolution = await refused();
    const failing = vi.fn(async () => {
      throw new Error('no such folder');
    });
    const { rerender, container } = render(
      <PathResolutionDialog
        resolution={resolution}
        listFolder={failing}
        onContinue={() => undefined}
      />,
    );
    const folder = screen.getByRole('textbox', { name: 'Folder on the worker' });
    fireEvent.change(folder, { target: { value: '/mnt/nowhere' } });
    fireEvent.click(screen.getByRole('button', { name: 'Auto-detect in folder…' }));
    await flush();
    expect(
      screen.getByText(/Could not list \/mnt\/nowhere on the worker: no such folder/),
    ).toBeTruthy();
    rerender(
      <PathResolutionDialog
        resolution={resolution}
        listFolder={listFolder}
        onContinue={() => undefined}
      />,
    );
    fireEvent.change(folder, { target: { value: '/mnt/data/videos' } });
    fireEvent.click(screen.getByRole('button', { name: 'Auto-detect in folder…' }));
    await flush();
    expect(statuses()).toEqual([
      'experiment_01.mp4 (video1) ✓ Found',
      'experiment_02.mp4 (video2) ✓ Found',
      'labels.slp (labels) ✓ Found',
    ]);
    expect(
      screen.getByText(/Found 2 files in \/mnt\/data\/videos\. Every file is resolved\./),
    ).toBeTruthy();
    expect(continueButton().disabled).toBe(false);
    await expectAccessible(container);
  });

  it('takes a typed worker path for a missing file', async () => {
    const resolution = await refused();
    render(<PathResolutionDialog resolution={resolution} onContinue={() => undefined} />);
    const input = screen.getByRole('textbox', { name: 'Path of experiment_02.mp4 on the worker' });
    fireEvent.change(input, { target: { value: '/mnt/other/experiment_02.mp4' } });
    fireEvent.click(screen.getByRole('button', { name: 'Use this path for experiment_02.mp4' }));
    expect(statuses()[1]).toBe('experiment_02.mp4 (video2) ✓ Found');
    expect(screen.getByText('/mnt/other/experiment_02.mp4')).toBeTruthy();
  });
});
