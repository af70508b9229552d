import { fireEvent, render, screen, within } from '@testing-library/react';
import { Experiments, Models, type ModelVersion } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, setup, until } from './__tests__/harness.js';
import { serveRegistry } from './__tests__/registry.js';
import { ModelsPanel } from './ModelsPanel.js';
import { TrainwireProvider } from './TrainwireProvider.js';

const badges = () =>
  within(screen.getByRole('table', { name: 'mouse-pose' }))
    .getAllByRole('row')
    .slice(1)
    .map(
      (row) =>
        `${row.querySelector('th')?.textContent} ${(row as HTMLTableRowElement).cells[4]?.textContent}`,
    );

describe('ModelsPanel', () => {
  it('registers completed runs as versions, sets one active, and follows model.activated from anywhere', async () => {
    const ready = await setup();
    const { clock, manager } = ready;
    const registry = await serveRegistry(ready);
    for (const name of ['mouse pose', 'mouse pose 2']) {
      const session = manager.submit({ profile: 'builtin', name, config: { epochs: 2 } });
      await until(clock, name, () => session.getSnapshot().state === 'completed');
    }
    const heard: ModelVersion[] = [];
    const models = new Models(registry.peer);
    const { container } = render(
      <TrainwireProvider manager={manager}>
        <ModelsPanel
          models={models}
          experiments={new Experiments(registry.peer)}
          onActivated={(model) => heard.push(model)}
        />
      </TrainwireProvider>,
    );
    await until(clock, 'the empty registry', () => screen.queryByText('No models registered yet.'));
    await until(clock, 'the subscription', () => screen.queryByText(/^Following the worker/));
    const form = screen.getByRole('form', { name: 'Register a model' });
    const experiment = await until(clock, 'the completed runs', () =>
      within(form).queryByRole('combobox', { name: 'Completed experiment' }),
    );
    expect(
      within(experiment)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['mouse pose 2', 'mouse pose']);
    const name = within(form).getByRole('textbox', { name: 'Model name' }) as HTMLInputElement;
    // The experiment's name, as a model name may be written.
    expect(name.value).toBe('mouse-pose-2');
    fireEvent.change(name, { target: { value: 'mouse pose!' } });
    const register = within(form).getByRole('button', { name: 'Register' }) as HTMLButtonElement;
    expect(register.disabled).toBe(true);
    expect(form.textContent).toContain('a model name is letters, digits, "_" and "-"');
    await expectAccessible(container);

    fireEvent.change(experiment, {
      target: { value: experiment.querySelectorAll('option')[1]!.getAttribute('value') },
    });
    expect(name.value).toBe('mouse-pose');
    fireEvent.click(register);
    await until(clock, 'version 1', () =>
      within(form).queryByText('Registered mouse-pose version 1 from mouse pose.'),
    );
    fireEvent.change(experiment, {
      target: { value: experiment.querySelectorAll('option')[0]!.getAttribute('value') },
    });
    fireEvent.change(name, { target: { value: 'mouse-pose' } });
    fireEvent.click(register);
    await until(clock, 'version 2', () =>
      within(form).queryByText('Registered mouse-pose version 2 from mouse pose 2.'),
    );
    await until(clock, 'the table', () => screen.queryByRole('table', { name: 'mouse-pose' }));
    expect(badges()).toEqual(['v2 —', 'v1 —']);

    fireEvent.click(screen.getByRole('button', { name: 'Set mouse-pose version 1 active' }));
    await until(clock, 'v1 active', () => badges()[1] === 'v1 Active');
    expect(badges()).toEqual(['v2 —', 'v1 Active']);
    expect(
      (screen.getByRole('button', { name: 'Set mouse-pose version 1 active' }) as HTMLButtonElement)
        .disabled,
    ).toBe(true);
    // The notice reached the page's subscriber, not only the button's answer.
    await until(clock, 'the notice', () => heard.length === 1);
    expect(heard[0]).toMatchObject({ name: 'mouse-pose', version: 1, active: true });
    await expectAccessible(container);

    // Another client (a second page, the CLI) activates v2: the badge follows its notice.
    const other = await registry.otherClient();
    void other.request('model.activate', { name: 'mouse-pose', version: 2 });
    await until(clock, 'v2 active', () => badges()[0] === 'v2 Active');
    expect(badges()).toEqual(['v2 Active', 'v1 —']);
    expect(heard.map((m) => m.version)).toEqual([1, 2]);
    other.dispose();
  });
});
