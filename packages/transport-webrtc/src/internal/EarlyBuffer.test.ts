import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { EarlyBuffer } from './EarlyBuffer.js';

describe('EarlyBuffer', () => {
  it('replays what came before the first subscriber, then passes values through', async () => {
    const buffer = new EarlyBuffer<number>(2);
    buffer.next(1);
    buffer.next(2);
    buffer.next(3); // over the limit: dropped
    const first = firstValueFrom(buffer.observable.pipe(take(3), toArray()));
    const second = firstValueFrom(buffer.observable.pipe(take(1), toArray()));
    buffer.next(4);
    expect(await first).toEqual([1, 2, 4]);
    expect(await second).toEqual([4]);
  });
});
