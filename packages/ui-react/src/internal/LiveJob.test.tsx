import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { flush, handSession } from '../__tests__/harness.js';
import { LiveJob } from './LiveJob.js';

describe('LiveJob (the dashboard’s recent activity)', () => {
  it('names a pipeline’s stage on its line, its bar counting the stage’s epochs; a stop ends it there', async () => {
    const { session, emit } = handSession({
      name: 'flies',
      stages: [
        { name: 'centroid', profile: 'builtin', config: { epochs: 2 } },
        { name: 'centered_instance', profile: 'builtin', config: { epochs: 4 } },
      ],
    });
    render(<LiveJob session={session} />);
    const second = { index: 1, count: 2, name: 'centered_instance' };
    emit({ type: 'state', state: 'running', stage: { index: 0, count: 2, name: 'centroid' } });
    emit({ type: 'state', state: 'running', stage: second });
    emit({ type: 'progress', stage: second, progress: { event: 'epoch_begin', epoch: 0 } });
    emit({
      type: 'progress',
      stage: second,
      progress: { event: 'epoch_end', epoch: 0, logs: { 'train/loss': 0.25 } },
    });
    await flush();
    expect(document.querySelector('.tw-live-job-line')?.textContent).toMatch(
      /^Stage 2\/2: centered_instance · Epoch 1\/4 · ETA \S+ · Train loss 0\.2500 · Val loss —$/,
    );
    const bar = screen.getByRole('progressbar', { name: 'Progress of flies' });
    expect([bar.getAttribute('value'), bar.getAttribute('max')]).toEqual(['1', '4']);
    emit({
      type: 'state',
      state: 'completed',
      reason: 'stopped_early',
      stage: second,
      exitCode: 0,
    });
    await flush();
    expect(document.querySelector('.tw-live-job-end')?.textContent).toBe(
      'Remote Training Completed Successfully. Stopped early after epoch 1 of 4 in Stage 2/2: centered_instance; no later stage ran.',
    );
  });
});
