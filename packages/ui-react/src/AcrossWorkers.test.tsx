import { render, screen, within } from '@testing-library/react';
import { Experiments, Models, type WorkerConnection } from '@trainwire/core';
import { linkToScriptedWorker, ScriptedWorker } from '@trainwire/core/testing';
import { describe, expect, it } from 'vitest';
import { afterThisTest, expectAccessible, setup, until } from './__tests__/harness.js';
import { serveRegistry } from './__tests__/registry.js';
import { ExperimentsTable } from './ExperimentsTable.js';
import { ModelsPanel } from './ModelsPanel.js';
import { TrainwireProvider } from './TrainwireProvider.js';

// A room of two workers on one virtual clock: w1 (the manager's own) and w2, each with its
// registry; a run of each, in turn, so the merged list interleaves them newest first.
async function room() {
  const ready = await setup();
  const { clock, manager } = ready;
  const w2 = new ScriptedWorker({ name: 'w2', epochMs: 1_000, scheduler: clock });
  const toW2 = await linkToScriptedWorker(w2, clock);
  afterThisTest(() => toW2.close());
  const one = await serveRegistry(ready, { registersJobModels: true });
  const two = await serveRegistry({ worker: w2, clock }, { registersJobModels: true });
  for (const [name, transport] of [
    ['pose-a', undefined],
    ['pose-b', toW2],
    ['pose-c', undefined],
  ] as const) {
    const session = manager.submit(
      { profile: 'builtin', name, config: { epochs: 1 } },
      transport === undefined ? {} : { transport },
    );
    await until(clock, name, () => session.getSnapshot().state === 'completed');
  }
  const workers: WorkerConnection[] = [
    { worker: 'w1', peer: one.peer },
    { worker: 'w2', peer: two.peer },
  ];
  return { ...ready, one, two, workers };
}

const rows = (table: HTMLElement) =>
  within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      [...(row as HTMLTableRowElement).cells]
        .slice(0, 3)
        .map((cell) => cell.textContent)
        .join(' '),
    );

describe('lists across the workers of a room', () => {
  it('merges every worker’s experiments newest first, each row naming its worker; a worker stopped mid-listing is named and the others’ rows stay', async () => {
    const { clock, manager, one, two, workers } = await room();
    const view = render(
      <TrainwireProvider manager={manager}>
        <ExperimentsTable experiments={new Experiments(one.peer)} workers={workers} />
      </TrainwireProvider>,
    );
    const table = await until(clock, 'the merged table', () =>
      screen.queryByRole('table', { name: 'Experiments of every worker, newest first' }),
    );
    expect(rows(table)).toEqual([
      'w1 completed pose-c',
      'w2 completed pose-b',
      'w1 completed pose-a',
    ]);
    expect(screen.getByRole('status').textContent).toBe(
      'Showing 3 experiments from 2 of 2 workers.',
    );
    await expectAccessible(view.container);
    view.unmount();

    // w2 goes offline while the table asks it: its rows are missing, and it says so.
    render(
      <TrainwireProvider manager={manager}>
        <ExperimentsTable experiments={new Experiments(one.peer)} workers={workers} />
      </TrainwireProvider>,
    );
    void two.stop();
    const missing = await until(clock, 'the missing worker', () => screen.queryByRole('alert'));
    expect(missing.textContent).toBe(
      'The link to worker w2 closed while listing; its rows are missing.',
    );
    expect(rows(screen.getByRole('table'))).toEqual(['w1 completed pose-c', 'w1 completed pose-a']);
    expect(screen.getByRole('status').textContent).toBe(
      'Showing 2 experiments from 1 of 2 workers.',
    );
  });

  it('merges every worker’s registry, each version naming its worker, and names a worker that did not answer', async () => {
    const { clock, manager, one, two, workers } = await room();
    void two.stop();
    const { container } = render(
      <TrainwireProvider manager={manager}>
        <ModelsPanel models={new Models(one.peer)} workers={workers} />
      </TrainwireProvider>,
    );
    const alert = await until(clock, 'the missing worker', () =>
      screen.queryAllByRole('alert').find((a) => a.textContent?.includes('w2')),
    );
    expect(alert.textContent).toBe(
      'The link to worker w2 closed while listing; its rows are missing.',
    );
    const table = screen.getByRole('table', { name: 'Models of every worker, newest first' });
    expect(rows(table)).toEqual(['w1 pose-c v1', 'w1 pose-a v1']);
    await expectAccessible(container);
  });
});
