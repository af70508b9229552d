import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectAccessible, flush, handSession, setup, tick } from './__tests__/harness.js';
import { TrainingFailedDialog } from './TrainingFailedDialog.js';

function stubClipboard(writeText: ((text: string) => Promise<void>) | undefined) {
  Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: writeText === undefined ? undefined : { writeText },
  });
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'clipboard');
});

/** A job that failed at epoch 42 of 100 with the worker's checkpoint details. */
function failedAt42() {
  const { session, emit } = handSession({ totalEpochs: 100 });
  emit({ type: 'state', state: 'running' });
  for (let epoch = 0; epoch < 42; epoch++)
    emit({
      type: 'progress',
      progress: { event: 'epoch_end', epoch, logs: { 'train/loss': 1 / (epoch + 1) } },
    });
  emit({
    type: 'state',
    state: 'failed',
    exitCode: 1,
    error: {
      code: 'trainer_failed',
      message: 'CUDA out of memory',
      details: {
        epoch: 42,
        checkpointDir: '/mnt/data/runs/2026-02-11_14-32-01/checkpoints/',
        lastCheckpoint: '/mnt/data/runs/2026-02-11_14-32-01/checkpoints/last.ckpt',
        resumeCommand:
          'trainwire train --worker gpu-1 --config /mnt/data/runs/2026-02-11_14-32-01/config.yaml --resume /mnt/data/runs/2026-02-11_14-32-01/checkpoints/last.ckpt',
      },
    },
  });
  return session;
}

describe('TrainingFailedDialog', () => {
  it('says where it failed, why, where the checkpoints are, and how to resume', async () => {
    const session = failedAt42();
    const onClose = vi.fn();
    const { container } = render(<TrainingFailedDialog session={session} onClose={onClose} />);
    await flush();
    const dialog = screen.getByRole('alertdialog', { name: 'Remote Training Failed' });
    expect(dialog.textContent).toContain('Training failed after epoch 42 of 100.');
    expect(dialog.textContent).toContain('Error: CUDA out of memory');
    expect(dialog.textContent).toContain(
      'Checkpoints saved on worker gpu-1:/mnt/data/runs/2026-02-11_14-32-01/checkpoints/',
    );
    expect(
      screen.getByText(/^trainwire train --worker gpu-1 .* --resume .*last\.ckpt$/),
    ).toBeTruthy();
    await expectAccessible(container);
    // Focus starts inside the dialog; Escape and OK close it.
    expect(dialog.contains(document.activeElement)).toBe(true);
    fireEvent.keyDown(dialog, { key: 'Escape' });
    fireEvent.click(screen.getByRole('button', { name: 'OK' }));
    expect(onClose).toHaveBeenCalledTimes(2);
  });

  it('copies the resume command with the clipboard, and says what to do without one', async () => {
    const copied: string[] = [];
    stubClipboard(async (text) => {
      copied.push(text);
    });
    const session = failedAt42();
    render(
      <TrainingFailedDialog
        session={session}
        resumeCommand={(checkpoint) => `trainwire train --config train.yaml --resume ${checkpoint}`}
      />,
    );
    await flush();
    fireEvent.click(screen.getByRole('button', { name: 'Copy resume command' }));
    await flush();
    expect(copied).toEqual([
      'trainwire train --config train.yaml --resume /mnt/data/runs/2026-02-11_14-32-01/checkpoints/last.ckpt',
    ]);
    expect(screen.getByText('Copied.')).toBeTruthy();
    stubClipboard(undefined);
    fireEvent.click(screen.getByRole('button', { name: 'Copy resume command' }));
    await flush();
    expect(screen.getByText(/select the text and press Ctrl\+C/)).toBeTruthy();
  });

  it('shows a scripted worker’s failure, without a checkpoint, and nothing for a job that did not fail', async () => {
    const { clock, manager } = await setup({}, { failAtEpoch: 2 });
    const failing = manager.submit({ profile: 'builtin', config: { epochs: 10 } });
    const { container } = render(<TrainingFailedDialog session={failing} />);
    expect(container.textContent).toBe('');
    await tick(clock, 5_000);
    const dialog = screen.getByRole('alertdialog');
    expect(dialog.textContent).toContain('Training failed after epoch 3 of 10.');
    expect(dialog.textContent).toContain('Error: trainer exited with code 1 at epoch 3');
    expect(dialog.textContent).toContain('No checkpoint was saved on the worker');
    expect(screen.queryByRole('button', { name: 'Copy resume command' })).toBeNull();
  });
});
