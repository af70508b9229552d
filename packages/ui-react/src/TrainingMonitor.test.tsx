import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { submitPredict } from '@trainwire/core';
import { createRef } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { expectAccessible, flush, handSession, setup, tick, until } from './__tests__/harness.js';
import type { LossChartHandle } from './LossChartHandle.js';
import { TrainingMonitor } from './TrainingMonitor.js';

afterEach(() => {
  Reflect.deleteProperty(globalThis, 'Notification');
});

describe('TrainingMonitor', () => {
  it('gives the chart every epoch of a live job, with epoch i/N, elapsed and ETA', async () => {
    const { clock, manager } = await setup();
    const session = manager.submit({ profile: 'builtin', config: { epochs: 10 } });
    const chart = createRef<LossChartHandle>();
    const { container } = render(<TrainingMonitor session={session} chartRef={chart} />);
    await tick(clock, 3_500);
    expect(screen.getByRole('heading', { name: 'Training Monitor - Remote (w1)' })).toBeTruthy();
    expect(screen.getByText('Epoch 4/10')).toBeTruthy();
    expect(screen.getByText('0:03')).toBeTruthy(); // three epochs of 1 s
    expect(screen.getByText('0:07')).toBeTruthy(); // ETA: seven epochs left
    expect(Array.from(chart.current!.data().epochs)).toEqual([1, 2, 3]);
    await tick(clock, 10_000);
    const { epochs, train, val } = chart.current!.data();
    expect(Array.from(epochs)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(Array.from(train)).toEqual(Array.from(epochs, (e) => 1 / e));
    expect(val[9]).toBeCloseTo(0.11);
    expect(chart.current!.bestVal()).toEqual({ epoch: 10, value: val[9] });
    expect(screen.getByText('Best val loss 0.1100 at epoch 10.')).toBeTruthy();
    expect(screen.getByText('Epoch 10/10')).toBeTruthy();
    expect(screen.getByText('Completed')).toBeTruthy();
    // No canvas in happy-dom: the chart is guarded and says so; Chromium draws it.
    expect(chart.current!.drawing()).toBe(false);
    expect(screen.getByTestId('loss-chart').dataset.points).toBe('10');
    await expectAccessible(container);
  });

  it('toggles the log scale from the keyboard-usable checkbox', async () => {
    const { clock, manager } = await setup();
    const session = manager.submit({ profile: 'builtin', config: { epochs: 3 } });
    const chart = createRef<LossChartHandle>();
    render(<TrainingMonitor session={session} chartRef={chart} />);
    await tick(clock, 1_500);
    expect(chart.current!.logScale()).toBe(false);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Log scale' }));
    expect(chart.current!.logScale()).toBe(true);
    expect(screen.getByRole('img').getAttribute('aria-label')).toContain('log scale');
    // The data survives the new scale.
    expect(Array.from(chart.current!.data().epochs)).toEqual([1]);
  });

  it('Stop Early ends the job after the epoch in progress, with a checkpoint', async () => {
    const { clock, manager } = await setup();
    const session = manager.submit({ profile: 'builtin', config: { epochs: 50 } });
    render(<TrainingMonitor session={session} />);
    await tick(clock, 2_500);
    fireEvent.click(screen.getByRole('button', { name: 'Stop Early' }));
    await tick(clock, 200);
    expect(screen.getByText('Stopping')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Stop Early' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    await tick(clock, 2_000);
    const final = session.getSnapshot();
    expect(final.state).toBe('completed');
    expect(final.progress.completedEpochs).toBe(3);
    expect(final.artifacts.map((a) => a.kind)).toEqual(['checkpoint']);
    expect(screen.getByText('Completed')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Cancel' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    // The notice in the page: how it ended and the checkpoint it left on the worker.
    const notice = screen.getAllByRole('status').find((el) => el.className === 'tw-completion');
    expect(notice?.textContent).toBe(
      `Remote Training Completed Successfully. Stopped early after epoch 3 of 50.Checkpoint on worker w1: ${final.artifacts[0]!.path}`,
    );
  });

  it('draws batch loss between the epochs, from the batch_end messages', async () => {
    const { session, emit } = handSession({ totalEpochs: 2 });
    const chart = createRef<LossChartHandle>();
    render(<TrainingMonitor session={session} chartRef={chart} />);
    emit({ type: 'state', state: 'running' });
    for (const epoch of [0, 1]) {
      emit({ type: 'progress', progress: { event: 'epoch_begin', epoch } });
      for (const batch of [0, 1, 2, 3])
        emit({
          type: 'progress',
          progress: {
            event: 'batch_end',
            epoch,
            batch,
            logs: { loss: 1 / (epoch * 4 + batch + 1) },
          },
        });
      // A NaN batch loss (Python's bare NaN) is no point on the chart.
      emit({
        type: 'progress',
        progress: { event: 'batch_end', epoch, batch: 4, logs: { loss: Number.NaN } },
      });
      emit({
        type: 'progress',
        progress: { event: 'epoch_end', epoch, logs: { 'train/loss': 0.5 - epoch * 0.1 } },
      });
    }
    await flush();
    await waitFor(() => expect(screen.getByTestId('loss-chart').dataset.batchPoints).toBe('8'));
    const { x, loss } = chart.current!.batches();
    // x = epoch + batch / (batches per epoch, the most seen so far: 4 once epoch 0 is through).
    expect(Array.from(x)).toEqual([0, 0.5, 2 / 3, 0.75, 1, 1.25, 1.5, 1.75]);
    expect(loss[7]).toBeCloseTo(1 / 8);
    expect(Array.from(chart.current!.data().epochs)).toEqual([1, 2]);
    // A monitor opened later (a reload re-attaching) draws the batches the session kept.
    const later = createRef<LossChartHandle>();
    render(<TrainingMonitor session={session} chartRef={later} />);
    await waitFor(() => expect(Array.from(later.current!.batches().x)).toEqual(Array.from(x)));
  });

  it('notifies through the Notification API when the job ends, if the user allowed it', async () => {
    const shown: string[] = [];
    class FakeNotification {
      static permission = 'granted';
      constructor(_title: string, options: { body: string }) {
        shown.push(options.body);
      }
    }
    Object.assign(globalThis, { Notification: FakeNotification });
    const { clock, manager } = await setup();
    const session = manager.submit({ profile: 'builtin', config: { epochs: 2 } });
    render(<TrainingMonitor session={session} notifications />);
    await tick(clock, 5_000);
    expect(shown).toEqual(['Remote Training Completed Successfully. Trained 2 epochs.']);
    FakeNotification.permission = 'denied';
    const other = manager.submit({ profile: 'builtin', config: { epochs: 1 } });
    render(<TrainingMonitor session={other} notifications />);
    await tick(clock, 5_000);
    expect(shown).toHaveLength(1);
    expect(screen.getAllByText(/Trained 1 epoch\./)).toHaveLength(1);
  });

  it('Cancel ends the job at once', async () => {
    const { clock, manager } = await setup();
    const session = manager.submit({ profile: 'builtin', config: { epochs: 50 } });
    render(<TrainingMonitor session={session} />);
    await tick(clock, 1_500);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await tick(clock, 200);
    expect(session.getSnapshot().state).toBe('cancelled');
    expect(screen.getByText('Cancelled')).toBeTruthy();
  });

  it('says the worker is unreachable, the last epoch, and that the job may still run', async () => {
    const { clock, client, manager } = await setup();
    const session = manager.submit({ profile: 'builtin', config: { epochs: 100 } });
    const { container } = render(<TrainingMonitor session={session} />);
    await tick(clock, 3_500);
    client.silence();
    await tick(clock, 40_000, 500);
    const status = screen
      .getAllByRole('status')
      .find((el) => el.textContent?.includes('unreachable'));
    expect(status?.textContent).toMatch(
      /^Worker w1 is unreachable \(no word from worker w1 for 3\d s\)\. Last known: epoch 3\/100\. The job may still be running\.$/,
    );
    await expectAccessible(container);
    await tick(clock, 130_000, 1_000);
    expect(screen.getByText(/Lost contact with worker w1/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Cancel' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
  });

  it('a pipeline: the chart titled with its stage, an empty chart at each stage, the finished stages with their losses', async () => {
    const { session, emit } = handSession({
      name: 'flies',
      stages: [
        { name: 'centroid', profile: 'builtin', config: { epochs: 2 } },
        { name: 'centered_instance', profile: 'builtin', config: { epochs: 3 } },
      ],
    });
    const chart = createRef<LossChartHandle>();
    const { container } = render(<TrainingMonitor session={session} chartRef={chart} />);
    const stageOf = (index: number, name: string) => ({ index, count: 2, name });
    const runStage = (index: number, name: string, epochs: number, loss: (e: number) => number) => {
      const stage = stageOf(index, name);
      emit({ type: 'state', state: 'running', reason: `Stage ${index + 1}/2: ${name}`, stage });
      for (let epoch = 0; epoch < epochs; epoch++) {
        emit({ type: 'progress', stage, progress: { event: 'epoch_begin', epoch, what: name } });
        emit({
          type: 'progress',
          stage,
          progress: {
            event: 'batch_end',
            epoch,
            batch: 0,
            logs: { loss: loss(epoch) },
            what: name,
          },
        });
        emit({
          type: 'progress',
          stage,
          progress: {
            event: 'epoch_end',
            epoch,
            what: name,
            logs: { 'train/loss': loss(epoch), 'val/loss': loss(epoch) + 0.1 },
          },
        });
      }
    };
    runStage(0, 'centroid', 2, (e) => 0.5 - e * 0.1);
    await flush();
    expect(screen.getByRole('heading', { name: 'Stage 1/2: centroid' })).toBeTruthy();
    expect(screen.getByText('Epoch 2/2')).toBeTruthy();
    expect(Array.from(chart.current!.data().epochs)).toEqual([1, 2]);
    await waitFor(() => expect(chart.current!.batches().x.length).toBe(2));
    expect(screen.queryByRole('region', { name: 'Finished stages' })).toBeNull();
    // Stop Early says what it stops: the stage in progress, and no later stage runs.
    const stop = screen.getByRole('button', { name: 'Stop Early' });
    expect(document.getElementById(stop.getAttribute('aria-describedby')!)?.textContent).toBe(
      'Stop Early finishes the epoch in progress of Stage 1/2: centroid, saves it and ends the job there: no later stage runs.',
    );

    // The next stage: a new, empty chart under its own title.
    emit({
      type: 'state',
      state: 'running',
      reason: 'Stage 2/2: centered_instance',
      stage: stageOf(1, 'centered_instance'),
    });
    await flush();
    expect(screen.getByRole('heading', { name: 'Stage 2/2: centered_instance' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Stage 1/2: centroid' })).toBeNull();
    expect(Array.from(chart.current!.data().epochs)).toEqual([]);
    expect(chart.current!.batches().x.length).toBe(0);
    expect(screen.getByText('Epoch 0/3')).toBeTruthy();
    expect(screen.getByRole('img').getAttribute('aria-label')).toMatch(
      /^Stage 2\/2: centered_instance: Train and validation loss per epoch, batch loss: 0 epoch\(s\)/,
    );
    const finished = screen.getByRole('region', { name: 'Finished stages' });
    expect(
      within(finished)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Stage 1/2: centroid — Epoch 2/2 · Train loss 0.4000 · Val loss 0.5000']);

    runStage(1, 'centered_instance', 1, () => 0.05);
    await flush();
    expect(Array.from(chart.current!.data().epochs)).toEqual([1]);
    expect(chart.current!.data().train[0]).toBeCloseTo(0.05);
    await waitFor(() => expect(chart.current!.batches().x.length).toBe(1));
    expect(screen.getByText('Epoch 1/3')).toBeTruthy();
    expect(screen.getByText('Best val loss 0.1500 at epoch 1.')).toBeTruthy();
    await expectAccessible(container);
  });

  it('a predict job: items done of all with a bar, the rate and the time left, no epoch chart', async () => {
    const { clock, manager } = await setup();
    const session = submitPredict(manager, {
      profile: 'builtin',
      model: { name: 'mouse-pose' },
      config: { items: 6 },
    });
    const { container } = render(<TrainingMonitor session={session} />);
    await until(clock, 'three items', () => (session.getSnapshot().items?.done ?? 0) >= 3);
    expect(screen.getByRole('heading', { name: 'Predict Monitor - Remote (w1)' })).toBeTruthy();
    expect(screen.queryByTestId('loss-chart')).toBeNull();
    expect(screen.queryByText(/Epoch/)).toBeNull();
    const bar = screen.getByRole('progressbar') as HTMLProgressElement;
    expect([bar.value, bar.max]).toEqual([3, 6]);
    expect(screen.getByText('Predicted 3/6 items · 1.0 items/s · 0:03 left')).toBeTruthy();
    expect(
      document.getElementById(
        screen.getByRole('button', { name: 'Stop Early' }).getAttribute('aria-describedby')!,
      )?.textContent,
    ).toBe('Stop Early ends the job after the item in hand and keeps the predictions made so far.');
    await expectAccessible(container);
    await until(clock, 'the end', () => session.getSnapshot().state === 'completed');
    const notice = screen.getAllByRole('status').find((el) => el.className === 'tw-completion');
    expect(notice?.textContent).toBe(
      `Predictions Ready. Predicted 6 of 6 items.Predictions on worker w1: /runs/${session.jobId}/predictions.jsonl`,
    );
    expect(screen.getByText('Predicted 6/6 items · 1.0 items/s · 0:00 left')).toBeTruthy();
  });
});
