import type { ProgressMessage } from '@trainwire/core';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProgressLink } from '../runner/TrainerProcess.js';
import { followProgress } from './followProgress.js';

type LinkMessage = ProgressLink['messages$'] extends import('rxjs').Observable<infer M> ? M : never;

function fakeLink() {
  const messages = new Subject<LinkMessage>();
  const close = vi.fn(async () => undefined);
  const link: ProgressLink = {
    publishAddress: 'tcp://127.0.0.1:1',
    controlAddress: 'tcp://127.0.0.1:2',
    messages$: messages.asObservable(),
    sendStop: async () => undefined,
    close,
  };
  const batch = (n: number) =>
    messages.next({
      kind: 'progress',
      progress: { event: 'batch_end', epoch: 0, batch: n, logs: { loss: 1 } } as ProgressMessage,
      raw: {},
    });
  return { link, close, batch };
}

describe('followProgress: what the trainer sent before it exited is read', () => {
  afterEach(() => vi.useRealTimers());

  it('keeps reading a backlog that takes longer than 10 s to arrive, then closes once quiet', async () => {
    vi.useFakeTimers();
    const { link, close, batch } = fakeLink();
    const seen: number[] = [];
    const follower = followProgress(link, (p) => seen.push((p as { batch: number }).batch));
    // The trainer has exited with a burst still queued: the worker reads it at its own pace.
    const drained = follower.drain();
    for (let n = 0; n < 150; n++) {
      await vi.advanceTimersByTimeAsync(100);
      batch(n);
    }
    expect(close).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    await drained;
    expect(seen).toHaveLength(150);
    expect(close).toHaveBeenCalledOnce();
  });

  it('closes after a quiet moment when nothing more comes', async () => {
    vi.useFakeTimers();
    const quiet = fakeLink();
    const drained = followProgress(quiet.link, () => undefined).drain();
    await vi.advanceTimersByTimeAsync(400);
    await drained;
    expect(quiet.close).toHaveBeenCalledOnce();
  });
});
