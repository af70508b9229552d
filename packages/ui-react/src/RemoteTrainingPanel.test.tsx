import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { ConnectionStatus, type TransportStatus } from '@trainwire/core';
import { BehaviorSubject } from 'rxjs';
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
    const { directory, listings } = directoryOf(() => [gpu1]);
    render(
      <TrainwireProvider manager={manager} directory={directory}>
        <RemoteTrainingPanel onRun={() => undefined} />
      </TrainwireProvider>,
    );
    await flush();
    expect(runButton().disabled).toBe(false);
    expect(listings()).toBe(1);
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
    // The job's end freed its worker: the panel listed again, so no row still says busy.
    expect(listings()).toBe(2);
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

  it("Run goes through core's SubmitFlow: warnings acknowledged, missing paths fixed in the dialog, then started", async () => {
    const files = { '/mnt/data/videos/experiment_01.mp4': { size: 100 } };
    const { clock, manager } = await setup({}, { files });
    const { directory } = directoryOf(() => [gpu1]);
    const sessions: string[] = [];
    const started: Array<{ jobId: string; inputs: Record<string, string> }> = [];
    const { container } = render(
      <TrainwireProvider manager={manager} directory={directory}>
        <RemoteTrainingPanel
          prepare={({ worker }) => ({
            spec: {
              profile: 'builtin',
              name: `on ${worker.name}`,
              config: { epochs: 2, batchSize: 512 },
              inputs: { video: '/Users/me/videos/experiment_01.mp4' },
            },
          })}
          onSession={(session, choice) => {
            sessions.push(`${session.jobId} ${choice.worker.id}`);
            void session.done.then((final) =>
              started.push({ jobId: final.jobId, inputs: final.spec.inputs }),
            );
          }}
        />
      </TrainwireProvider>,
    );
    await flush();
    fireEvent.click(runButton());
    await flush();
    // acknowledgeWarnings: the config's warning, before anything is submitted.
    const warnings = screen.getByRole('dialog', { name: 'Configuration Warnings' });
    expect(warnings.textContent).toContain('batch size 512 is above 256');
    expect(sessions).toEqual([]);
    expect(runButton().disabled).toBe(true);
    expect(
      document.getElementById(runButton().getAttribute('aria-describedby')!)?.textContent,
    ).toBe('Submitting the job…');
    await expectAccessible(container);
    fireEvent.click(screen.getByRole('checkbox', { name: 'I have read the warnings; run anyway' }));
    fireEvent.click(within(warnings).getByRole('button', { name: 'Continue' }));
    await tick(clock, 200);
    // fixPaths: the worker lacks the video; the dialog fixes it and the flow submits again.
    expect(screen.getByRole('dialog', { name: 'Video Path Resolution Required' })).toBeTruthy();
    fireEvent.click(
      screen.getByRole('button', {
        name: 'Use /mnt/data/videos/experiment_01.mp4 for experiment_01.mp4',
      }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Continue with Resolved' }));
    await tick(clock, 5_000);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(sessions).toHaveLength(2);
    expect(sessions.every((line) => line.endsWith(' gpu-1'))).toBe(true);
    expect(started.at(-1)?.inputs).toEqual({ video: '/mnt/data/videos/experiment_01.mp4' });
    expect(manager.getSnapshot().jobs.at(-1)?.getSnapshot().state).toBe('completed');
  });

  it('shows a config with errors in the validation dialog, and a failed prepare under Run', async () => {
    const { manager } = await setup();
    const { directory } = directoryOf(() => [gpu1]);
    let broken = false;
    const status$ = new BehaviorSubject<TransportStatus>('open');
    const link = new ConnectionStatus({ status$ }, { worker: 'gpu-server-01' });
    render(
      <TrainwireProvider manager={manager} directory={directory}>
        <RemoteTrainingPanel
          connection={link}
          prepare={() => {
            if (broken) throw new Error('could not reach gpu-server-01');
            return { spec: { profile: 'builtin', config: { epochs: 0 } } };
          }}
        />
      </TrainwireProvider>,
    );
    await flush();
    fireEvent.click(runButton());
    await flush();
    await flush();
    const dialog = screen.getByRole('alertdialog', { name: 'Configuration Validation Failed' });
    expect(dialog.textContent).toContain('epochs');
    fireEvent.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    broken = true;
    fireEvent.click(runButton());
    await flush();
    expect(screen.getByRole('alert').textContent).toBe('could not reach gpu-server-01');
    // The link's status line, from core's ConnectionStatus.
    expect(screen.getByText('Connected to worker gpu-server-01.')).toBeTruthy();
    act(() => status$.next('reconnecting'));
    expect(screen.getByText('Reconnecting to worker gpu-server-01…')).toBeTruthy();
  });

  it('a path dialog cancelled: the flow is refused, and the page says why until dismissed', async () => {
    const { clock, manager } = await setup();
    const { directory } = directoryOf(() => [gpu1]);
    const { container } = render(
      <TrainwireProvider manager={manager} directory={directory}>
        <RemoteTrainingPanel
          prepare={() => ({
            spec: {
              profile: 'builtin',
              config: { epochs: 2 },
              inputs: { video: '/Users/me/a.mp4' },
            },
          })}
        />
      </TrainwireProvider>,
    );
    await flush();
    fireEvent.click(runButton());
    await tick(clock, 200);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await tick(clock, 200);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('alert').textContent).toBe(
      'The job was turned down before it ran: worker w1 has no file /Users/me/a.mp4. Dismiss',
    );
    expect(runButton().disabled).toBe(false);
    await expectAccessible(container);
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
