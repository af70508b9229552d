import { fireEvent, render, screen, within } from '@testing-library/react';
import { Experiments } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, setup, until } from './__tests__/harness.js';
import { serveRegistry } from './__tests__/registry.js';
import { ExperimentsTable } from './ExperimentsTable.js';
import { TrainwireProvider } from './TrainwireProvider.js';

const names = () =>
  within(screen.getByRole('table'))
    .queryAllByRole('rowheader')
    .map((cell) => cell.textContent);

describe('ExperimentsTable', () => {
  it('lists experiments newest first, in pages, filtered by status; Retry and Resume make children the lineage shows', async () => {
    const ready = await setup();
    const { clock, manager } = ready;
    const registry = await serveRegistry(ready);
    // Three runs: two complete, the last is cancelled.
    for (const name of ['mice', 'flies']) {
      const session = manager.submit({
        profile: 'builtin',
        name,
        config: { epochs: 2 },
        tags: ['lab'],
      });
      await until(clock, name, () => session.getSnapshot().state === 'completed');
    }
    const fish = manager.submit({ profile: 'builtin', name: 'fish', config: { epochs: 9 } });
    await until(clock, 'fish running', () => fish.getSnapshot().state === 'running');
    void fish.cancel();
    await until(clock, 'fish cancelled', () => fish.getSnapshot().state === 'cancelled');

    const { container } = render(
      <TrainwireProvider manager={manager}>
        <ExperimentsTable experiments={new Experiments(registry.peer)} pageSize={2} />
      </TrainwireProvider>,
    );
    const count = screen.getByRole('status');
    await until(clock, 'the first page', () => count.textContent === 'Showing 2 of 3 experiments.');
    expect(names()).toEqual(['fish', 'flies']);
    const [header, fishRow] = within(screen.getByRole('table')).getAllByRole('row');
    expect(header?.textContent).toBe('StatusNamePresetCreatedFinal metricsTagsActions');
    expect(fishRow?.textContent).toMatch(/^cancelledfishbuiltin.+1970.+——Lineage Retry$/);
    await expectAccessible(container);

    fireEvent.click(screen.getByRole('button', { name: 'Show more' }));
    await until(
      clock,
      'the second page',
      () => count.textContent === 'Showing 3 of 3 experiments.',
    );
    expect(names()).toEqual(['fish', 'flies', 'mice']);
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();
    expect(within(screen.getByRole('table')).getAllByRole('row')[3]?.textContent).toContain('lab');

    fireEvent.change(screen.getByRole('combobox', { name: 'Status' }), {
      target: { value: 'completed' },
    });
    await until(
      clock,
      'the filter',
      () => count.textContent === 'Showing 2 of 2 experiments completed.',
    );
    expect(names()).toEqual(['flies', 'mice']);
    fireEvent.change(screen.getByRole('combobox', { name: 'Status' }), { target: { value: '' } });
    await until(clock, 'all again', () => count.textContent === 'Showing 2 of 3 experiments.');

    // Retry the cancelled one: a new experiment runs, a child of it.
    fireEvent.click(screen.getByRole('button', { name: 'Retry fish' }));
    await until(clock, 'the retry listed', () => names()[0] === 'fish (retry)');
    await until(clock, 'the retry done', () => manager.getSnapshot().jobs.length === 4);
    const retried = manager.getSnapshot().jobs[3]!;
    await until(clock, 'the retry ended', () => retried.getSnapshot().state === 'completed');

    // Resume flies: a child continuing from its checkpoint.
    fireEvent.click(
      await until(clock, 'Show more', () => screen.queryByRole('button', { name: 'Show more' })),
    );
    fireEvent.click(
      await until(clock, 'Resume flies', () =>
        screen.queryByRole('button', { name: 'Resume flies' }),
      ),
    );
    await until(clock, 'the child listed', () => names().includes('flies (continued)'));

    fireEvent.click(screen.getByRole('button', { name: 'Lineage of flies (continued)' }));
    const lineage = await until(clock, 'the lineage', () =>
      screen.queryByRole('region', { name: 'Lineage of flies (continued)' }),
    );
    await until(clock, 'its tree', () => within(lineage).queryAllByRole('listitem').length === 2);
    const [root] = within(lineage).getAllByRole('listitem');
    expect(root?.firstElementChild?.textContent).toBe('flies · completed');
    const child = within(root!).getAllByRole('listitem')[0]!;
    expect(child.textContent).toMatch(
      /^flies \(continued\) · (running|completed) · continued from last\.ckpt \(this one\)$/,
    );
    expect(child.getAttribute('aria-current')).toBe('true');
    expect(child.parentElement?.tagName).toBe('UL');
    await expectAccessible(container);

    fireEvent.click(screen.getByRole('button', { name: 'Lineage of fish (retry)' }));
    const other = await until(clock, 'the retry lineage', () =>
      screen.queryByRole('region', { name: 'Lineage of fish (retry)' }),
    );
    await until(clock, 'its tree', () => within(other).queryAllByRole('listitem').length === 2);
    expect(
      within(other)
        .getAllByRole('listitem')
        .map((li) => li.firstElementChild?.textContent),
    ).toEqual(['fish · cancelled', 'fish (retry) · completed · retry (this one)']);
    fireEvent.click(screen.getByRole('button', { name: 'Close lineage' }));
    expect(screen.queryByRole('region', { name: /^Lineage of/ })).toBeNull();
  });
});
