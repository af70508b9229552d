import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { expectAccessible, flush, setup, tick } from './__tests__/harness.js';
import { cpu3, directoryOf, gpu1, gpu2 } from './__tests__/workers.js';
import { RemoteTrainingPanel } from './RemoteTrainingPanel.js';
import { TrainwireProvider } from './TrainwireProvider.js';

const runButton = () => screen.getByRole('button', { name: 'Run' }) as HTMLButtonElement;

describe('RemoteTrainingPanel', () => {
  it('auto-selects the best worker, or runs on a chosen one with its details', async () => {
    const { manager } = await setup();
    const { directory, listings } = directoryOf(() => [gpu1, gpu2, cpu3]);
    const onRun = vi.fn();
    const { container } = render(
      <TrainwireProvider manager={manager} directory={directory}>
        <RemoteTrainingPanel onRun={onRun} />
      </TrainwireProvider>,
    );
    await flush();
    expect(listings()).toBe(1);
    expect(screen.getByText('3 workers in the room.')).toBeTruthy();
    expect(screen.getByText(/→ gpu-server-02 \(A100, 40 GiB\) — available/)).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Selected worker' }).textContent).toContain(
      'gpu-server-02',
    );
    fireEvent.click(runButton());
    expect(onRun).toHaveBeenLastCalledWith({ mode: 'auto', worker: gpu2 });
    await expectAccessible(container);

    fireEvent.click(screen.getByRole('radio', { name: 'Choose worker:' }));
    const select = screen.getByRole('combobox', { name: 'Worker' });
    expect(
      within(select)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual([
      'gpu-server-02 (A100, 40 GiB) — available',
      'gpu-server-01 (RTX 4090, 24 GiB) — available',
      'laptop (no GPU) — busy',
    ]);
    fireEvent.change(select, { target: { value: 'gpu-1' } });
    const selected = screen.getByRole('region', { name: 'Selected worker' });
    expect(selected.textContent).toBe(
      'Namegpu-server-01GPURTX 4090Memory24 GiBStatusavailableKeykey-a1',
    );
    fireEvent.click(runButton());
    expect(onRun).toHaveBeenLastCalledWith({ mode: 'chosen', worker: gpu1 });
    // A busy worker cannot be chosen.
    const busy = within(select).getByRole('option', { name: 'laptop (no GPU) — busy' });
    expect((busy as HTMLOptionElement).disabled).toBe(true);
    await expectAccessible(container);
  });

  it('disables Run while a job is active, says why, and shows its link', async () => {
    const { clock, manager } = await setup();
    const { directory } = directoryOf(() => [gpu1]);
    render(
      <TrainwireProvider manager={manager} directory={directory}>
        <RemoteTrainingPanel onRun={() => undefined} />
      </TrainwireProvider>,
    );
    await flush();
    expect(runButton().disabled).toBe(false);
    manager.submit({ profile: 'builtin', name: 'mice', config: { epochs: 3 } });
    await tick(clock, 1_500);
    expect(runButton().disabled).toBe(true);
    const why = document.getElementById(runButton().getAttribute('aria-describedby')!);
    expect(why?.textContent).toBe(
      'A remote job is already running; wait for it to finish, or stop it, before starting another.',
    );
    expect(screen.getByText('Job mice: Epoch 2/3. Connected to worker w1.')).toBeTruthy();
    await tick(clock, 3_000);
    expect(runButton().disabled).toBe(false);
    expect(screen.queryByText(/Job mice/)).toBeNull();
  });

  it('refreshes on demand, says when listing failed, and guides setup in an empty room', async () => {
    const { manager } = await setup();
    const { directory, listings, willList } = directoryOf(
      () => new Error('the signaling server did not answer'),
    );
    const { container } = render(
      <TrainwireProvider manager={manager} directory={directory}>
        <RemoteTrainingPanel
          onRun={() => undefined}
          setup={{
            url: 'wss://signal.example.org',
            room: 'lab',
            docsUrl: 'https://example.org/docs',
          }}
        />
      </TrainwireProvider>,
    );
    await flush();
    expect(screen.getByRole('alert').textContent).toBe(
      "could not list the room's workers: the signaling server did not answer",
    );
    expect(runButton().disabled).toBe(true);
    willList(() => []);
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await flush();
    expect(listings()).toBe(2);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('heading', { name: 'No Workers Available' })).toBeTruthy();
    expect(
      screen.getByText(
        "trainwire worker --url wss://signal.example.org --room lab --key-file worker.key --name 'My GPU Server' --data-dir ~/trainwire",
      ),
    ).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Open Documentation' }).getAttribute('href')).toBe(
      'https://example.org/docs',
    );
    expect(
      document.getElementById(runButton().getAttribute('aria-describedby')!)?.textContent,
    ).toBe('No worker is available now; start one or press Refresh.');
    await expectAccessible(container);
    willList(() => [gpu1]);
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await flush();
    expect(screen.queryByRole('heading', { name: 'No Workers Available' })).toBeNull();
    expect(runButton().disabled).toBe(false);
  });
});
