import { fireEvent, render, screen, within } from '@testing-library/react';
import { submitPredict } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, flush, handSession, setup, tick, until } from './__tests__/harness.js';
import { LogView } from './internal/LogView.js';
import { JobsPanel } from './JobsPanel.js';
import { TrainwireProvider } from './TrainwireProvider.js';

describe('JobsPanel', () => {
  it('has a row per job with progress, state, ETA and Cancel, a summary, and a completion notice', async () => {
    const { clock, manager } = await setup({ maxConcurrentPerTarget: 2 }, { maxConcurrentJobs: 2 });
    const { container } = render(
      <TrainwireProvider manager={manager}>
        <JobsPanel />
      </TrainwireProvider>,
    );
    expect(screen.getByText('No remote jobs yet.')).toBeTruthy();
    await tick(clock, 10);
    const short = manager.submit({ profile: 'builtin', name: 'short run', config: { epochs: 3 } });
    const long = manager.submit({ profile: 'builtin', name: 'long run', config: { epochs: 50 } });
    await tick(clock, 2_500);
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getAllByRole('button')[0]!.textContent)).toEqual([
      'short run',
      'long run',
    ]);
    const progress = screen.getByRole('progressbar', { name: 'Progress of long run' });
    expect(progress.getAttribute('max')).toBe('50');
    expect(progress.getAttribute('value')).toBe('2');
    expect(within(rows[1]!).getByText('Running')).toBeTruthy();
    expect(within(rows[1]!).getByText('0:48')).toBeTruthy();
    expect(screen.getByText('2 jobs: 2 running.')).toBeTruthy();
    const notice = screen.getAllByRole('status').find((el) => el.className === 'tw-jobs-notice')!;
    expect(notice.textContent).toBe('');
    await tick(clock, 1_500);
    expect(short.getSnapshot().state).toBe('completed');
    expect(notice.textContent).toBe('Remote Training Completed Successfully: short run.');
    expect(screen.getByText('2 jobs: 1 running, 1 completed.')).toBeTruthy();
    await expectAccessible(container);

    fireEvent.click(screen.getByRole('button', { name: 'Cancel long run' }));
    await tick(clock, 200);
    expect(long.getSnapshot().state).toBe('cancelled');
    expect(within(rows[1]!).getByText('Cancelled')).toBeTruthy();
    expect(
      (screen.getByRole('button', { name: 'Cancel long run' }) as HTMLButtonElement).disabled,
    ).toBe(true);
    expect(notice.textContent).toBe(
      'Remote Training Cancelled: long run. Training cancelled after epoch 4 of 50.',
    );
  });

  it("shows the selected job's output with tqdm updates coalesced", async () => {
    const { clock, manager } = await setup({ maxConcurrentPerTarget: 2 }, { maxConcurrentJobs: 2 });
    render(
      <TrainwireProvider manager={manager}>
        <JobsPanel />
      </TrainwireProvider>,
    );
    await tick(clock, 10);
    manager.submit({ profile: 'builtin', name: 'first', config: { epochs: 4 } });
    manager.submit({ profile: 'builtin', name: 'second', config: { epochs: 2 } });
    await tick(clock, 6_000);
    // The newest job is selected at first; each epoch's "100%" line replaced the last.
    const log = () => screen.getByRole('log');
    expect(log().getAttribute('aria-label')).toBe('Output of second');
    expect(
      within(log())
        .getAllByText(/epoch/)
        .map((l) => l.textContent),
    ).toEqual(['epoch 2: 100%']);
    const first = screen.getByRole('button', { name: 'first' });
    expect(first.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(first);
    expect(first.getAttribute('aria-pressed')).toBe('true');
    expect(log().getAttribute('aria-label')).toBe('Output of first');
    expect(log().textContent).toBe('epoch 4: 100%');
  });
});

describe('the log view', () => {
  it('keeps 10 000 lines fast: only the rows in view are in the page', async () => {
    const { session, emit } = handSession({ logTail: 10_000 });
    for (let i = 1; i <= 10_000; i++) emit({ type: 'log', stream: 'stdout', line: `line ${i}` });
    const lines = session.getSnapshot().logs;
    expect(lines.length).toBe(10_000);
    const { container } = render(<LogView lines={lines} label="Output of job-1" rows={20} />);
    await flush();
    const log = screen.getByRole('log', { name: 'Output of job-1' });
    const rendered = () => Array.from(log.querySelectorAll('[data-line]'), (el) => el.textContent);
    expect(rendered().length).toBeLessThanOrEqual(40);
    expect(rendered()).toContain('line 10000');
    expect(rendered()).not.toContain('line 1');
    // Scrolled to the top (keyboard or wheel), the first lines are there instead.
    log.scrollTop = 0;
    fireEvent.scroll(log);
    expect(rendered()).toContain('line 1');
    expect(rendered()).not.toContain('line 10000');
    expect(rendered().length).toBeLessThanOrEqual(40);
    await expectAccessible(container);
  });

  it('a predict job: its row shows items done of all, with the time left at its rate', async () => {
    const { clock, manager } = await setup();
    render(
      <TrainwireProvider manager={manager}>
        <JobsPanel />
      </TrainwireProvider>,
    );
    const session = submitPredict(manager, {
      profile: 'builtin',
      name: 'predict spirals',
      model: { name: 'spirals' },
      config: { items: 8 },
    });
    await until(clock, 'three items', () => (session.getSnapshot().items?.done ?? 0) >= 3);
    const row = screen.getAllByRole('row')[1]!;
    expect(within(row).getByText('Items 3/8 on w1')).toBeTruthy();
    const bar = within(row).getByRole('progressbar', { name: 'Progress of predict spirals' });
    expect([bar.getAttribute('value'), bar.getAttribute('max')]).toEqual(['3', '8']);
    expect(within(row).getByText('0:05')).toBeTruthy();
    await until(clock, 'the end', () => session.getSnapshot().state === 'completed');
    const notice = screen.getAllByRole('status').find((el) => el.className === 'tw-jobs-notice')!;
    expect(notice.textContent).toBe('Predictions Ready: predict spirals.');
  });
});
