import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ConnectionStatus } from './ConnectionStatus.js';
import type { TransportStatus } from './Transport.js';
import { VirtualClock } from './testing/VirtualClock.js';

describe('ConnectionStatus', () => {
  it('keeps the link status as a snapshot: same object until it changes, then closed for good', () => {
    const clock = new VirtualClock();
    const status$ = new Subject<TransportStatus>();
    const status = new ConnectionStatus({ status$ }, { worker: 'gpu-1', scheduler: clock });
    const seen: string[] = [];
    status.subscribe(() => seen.push(status.getSnapshot().status));
    const first = status.getSnapshot();
    expect(first).toMatchObject({ status: 'connecting', worker: 'gpu-1' });
    status$.next('connecting');
    expect(status.getSnapshot()).toBe(first);
    clock.advanceBy(1_000);
    status$.next('open');
    expect(status.getSnapshot()).toMatchObject({ status: 'open', since: 1_000 });
    status$.next('reconnecting');
    status$.complete();
    expect(seen).toEqual(['open', 'reconnecting', 'closed']);
    let completed = false;
    status.state$.subscribe({ complete: () => (completed = true) });
    expect(completed).toBe(true);
  });
});
