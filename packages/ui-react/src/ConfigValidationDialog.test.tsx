import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { expectAccessible, setup, tick } from './__tests__/harness.js';
import { ConfigValidationDialog } from './ConfigValidationDialog.js';

const sleapNn = (changes: { maxStride?: number; batchSize?: number }) => ({
  data_config: { validation_fraction: 0.1 },
  model_config: {
    backbone_config: { unet: { max_stride: changes.maxStride ?? 16 }, convnext: null },
    head_configs: { single_instance: null, centered_instance: { confmaps: { sigma: 2.5 } } },
  },
  trainer_config: {
    train_data_loader: { batch_size: changes.batchSize ?? 4 },
    val_data_loader: { batch_size: 4 },
    max_epochs: 3,
    optimizer_name: 'Adam',
    optimizer: { lr: 0.0001 },
    save_ckpt: true,
  },
});

describe('ConfigValidationDialog', () => {
  it('lists a refused config’s errors and warnings by field path; errors block', async () => {
    const { clock, manager } = await setup();
    const session = manager.submit({
      profile: 'sleap-nn',
      config: sleapNn({ maxStride: 30, batchSize: 512 }),
    });
    const onClose = vi.fn();
    const { container } = render(<ConfigValidationDialog session={session} onClose={onClose} />);
    await tick(clock, 100);
    expect(session.getSnapshot().error?.code).toBe('config_invalid');
    const dialog = screen.getByRole('alertdialog', { name: 'Configuration Validation Failed' });
    const items = Array.from(dialog.querySelectorAll('li'), (li) => li.textContent);
    expect(items).toEqual([
      '✗ model_config.backbone_config.unet.max_stride: max_stride must be a positive power of 2 (2, 4, 8, 16, 32…); got 30',
      '⚠ trainer_config.train_data_loader.batch_size: batch size 512 is above 256 and may not fit in GPU memory',
    ]);
    expect(screen.getAllByRole('img', { name: 'Error' }).length).toBe(1);
    expect(dialog.textContent).toContain('Tip:');
    expect(screen.queryByRole('button', { name: 'Continue' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'OK' }));
    expect(onClose).toHaveBeenCalled();
    await expectAccessible(container);
  });

  it('lets warnings be acknowledged before continuing', async () => {
    const { clock, manager } = await setup();
    const session = manager.submit({
      profile: 'builtin',
      config: { epochs: 2, batchSize: 512, checkpointEvery: 0 },
    });
    const onContinue = vi.fn();
    const { container } = render(
      <ConfigValidationDialog
        session={session}
        onContinue={onContinue}
        tip="Tip: check the batch size."
      />,
    );
    await tick(clock, 100);
    const dialog = screen.getByRole('dialog', { name: 'Configuration Warnings' });
    expect(Array.from(dialog.querySelectorAll('li'), (li) => li.textContent)).toEqual([
      '⚠ batchSize: batch size 512 is above 256 and may not fit in memory',
      '⚠ checkpointEvery: only the best and last checkpoints will be saved',
    ]);
    expect(dialog.textContent).toContain('Tip: check the batch size.');
    const proceed = screen.getByRole('button', { name: 'Continue' }) as HTMLButtonElement;
    expect(proceed.disabled).toBe(true);
    fireEvent.click(screen.getByRole('checkbox', { name: 'I have read the warnings; run anyway' }));
    expect(proceed.disabled).toBe(false);
    fireEvent.click(proceed);
    expect(onContinue).toHaveBeenCalledTimes(1);
    await expectAccessible(container);
  });

  it('renders nothing for a clean config', async () => {
    const { clock, manager } = await setup();
    const session = manager.submit({ profile: 'builtin', config: { epochs: 2 } });
    const { container } = render(<ConfigValidationDialog session={session} />);
    await tick(clock, 100);
    expect(container.textContent).toBe('');
  });
});
