import { fireEvent, render, screen, within } from '@testing-library/react';
import { type PathResolution, resolvedInputs } from '@trainwire/core';
import { describe, expect, it, vi } from 'vitest';
import { expectAccessible, setup, tick } from './__tests__/harness.js';
import { workerFilesOf } from './__tests__/workerFiles.js';
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

/** The same files over the protocol, under the worker's mount `data`. */
const worker = () =>
  workerFilesOf([{ name: 'data', path: '/mnt/data' }], {
    ...Object.fromEntries(Object.entries(files).map(([p, f]) => [p, f.size])),
    '/mnt/data/notes/readme.txt': 3,
  });

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

  it('Browse: opens the worker folder by folder, offers the likeliest file, and fixes its sibling', async () => {
    const resolution = await refused();
    const { peer, listed } = await worker();
    const { container } = render(
      <PathResolutionDialog resolution={resolution} worker={peer} onContinue={() => undefined} />,
    );
    fireEvent.click(
      screen.getByRole('button', { name: 'Browse the worker for experiment_01.mp4' }),
    );
    const tree = screen.getByRole('navigation', {
      name: 'Folders on the worker for experiment_01.mp4',
    });
    const data = await within(tree).findByRole('button', { name: /data\// });
    // Nothing is listed before a folder is opened: the mounts are the roots.
    expect(listed).toEqual([]);
    expect(data.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(data);
    fireEvent.click(await within(tree).findByRole('button', { name: /videos\// }));
    expect(listed).toEqual(['/mnt/data']);
    expect(data.getAttribute('aria-expanded')).toBe('true');
    await within(tree).findByRole('button', { name: 'experiment_01.mp4' });
    // In videos/ the file of the same name first, marked; then data/'s own file.
    const names = within(tree)
      .getAllByRole('listitem')
      .filter((li) => li.className === 'tw-tree-file')
      .map((li) => li.textContent);
    expect(names).toEqual(['experiment_01.mp4 (name match)', 'experiment_02.mp4', 'labels.slp']);
    await expectAccessible(container);
    fireEvent.click(within(tree).getByRole('button', { name: 'experiment_01.mp4' }));
    expect(statuses()).toEqual([
      'experiment_01.mp4 (video1) ✓ Found',
      'experiment_02.mp4 (video2) ? Proposed',
      'labels.slp (labels) ✓ Found',
    ]);
    expect(screen.getByText(/proposed the same folder for 1 file more/)).toBeTruthy();
    expect(screen.queryByRole('navigation')).toBeNull();
    expect(continueButton().disabled).toBe(false);
  });

  it('Auto-detect in folder…: choose a folder in the tree or type one; says when listing fails', async () => {
    const resolution = await refused();
    const { peer } = await worker();
    const { container } = render(
      <PathResolutionDialog resolution={resolution} worker={peer} onContinue={() => undefined} />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Auto-detect in folder…' }));
    const folder = screen.getByRole('textbox', { name: 'Or type a folder on the worker' });
    fireEvent.change(folder, { target: { value: '/mnt/nowhere' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    expect(
      await screen.findByText(/Could not list \/mnt\/nowhere on the worker: .*no such folder/),
    ).toBeTruthy();
    const tree = screen.getByRole('navigation', { name: 'Folders on the worker to search' });
    fireEvent.click(await within(tree).findByRole('button', { name: /data\// }));
    fireEvent.click(await within(tree).findByRole('button', { name: /videos\// }));
    await within(tree).findByRole('button', { name: 'Auto-detect in /mnt/data/videos' });
    await expectAccessible(container);
    fireEvent.click(screen.getByRole('button', { name: 'Auto-detect in /mnt/data/videos' }));
    expect(statuses()).toEqual([
      'experiment_01.mp4 (video1) ✓ Found',
      'experiment_02.mp4 (video2) ✓ Found',
      'labels.slp (labels) ✓ Found',
    ]);
    expect(
      screen.getByText(/Found 2 files in \/mnt\/data\/videos\. Every file is resolved\./),
    ).toBeTruthy();
    expect(continueButton().disabled).toBe(false);
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
