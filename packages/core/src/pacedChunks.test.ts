import { describe, expect, it } from 'vitest';
import { pacedChunks } from './pacedChunks.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function watched() {
  const taken: number[] = [];
  const failures: string[] = [];
  const paced = pacedChunks({
    id: 't',
    onConsumed: (total) => taken.push(total),
    onRefuse: (code, message) => failures.push(`${code}: ${message}`),
  });
  return { paced, taken, failures };
}

describe('pacedChunks: what the reader took, for the sender to be confirmed', () => {
  it('counts chunks kept for a reader that had not subscribed only once it has them', async () => {
    const { paced, taken } = watched();
    paced.push(new Uint8Array(3));
    paced.push(new Uint8Array(4));
    paced.complete();
    let settled = false;
    void paced.settled().then(() => (settled = true));
    await tick();
    expect(taken).toEqual([]);
    expect(settled).toBe(false);
    const seen: number[] = [];
    paced.chunks$.subscribe((chunk) => seen.push(chunk.length));
    await tick();
    expect(seen).toEqual([3, 4]);
    expect(taken).toEqual([3, 7]);
    expect(settled).toBe(true);
  });

  it("counts a chunk only once the reader's held write settled, in order", async () => {
    const { paced, taken } = watched();
    const writes: Array<() => void> = [];
    paced.chunks$.subscribe(() => {
      paced.hold(new Promise<void>((resolve) => writes.push(resolve)));
    });
    paced.push(new Uint8Array(10));
    paced.push(new Uint8Array(20));
    await tick();
    expect(taken).toEqual([]);
    // The second write finishing first confirms nothing: the first is still under way.
    writes[1]!();
    await tick();
    expect(taken).toEqual([]);
    writes[0]!();
    await tick();
    expect(taken).toEqual([10, 30]);
  });

  it('reports a failed held write once, and confirms nothing after it', async () => {
    const { paced, taken, failures } = watched();
    let chunk = 0;
    paced.chunks$.subscribe(() => {
      chunk++;
      paced.hold(chunk === 2 ? Promise.reject(new Error('ENOSPC')) : Promise.resolve());
    });
    for (let i = 0; i < 4; i++) paced.push(new Uint8Array(5));
    await tick();
    expect(taken).toEqual([5]);
    expect(failures).toEqual(['write_failed: the receiver could not store transfer t: ENOSPC']);
    await expect(paced.settled()).rejects.toThrow('ENOSPC');
  });

  it('is read once: a second subscriber gets an error', async () => {
    const { paced } = watched();
    paced.chunks$.subscribe(() => undefined);
    const second = await new Promise<unknown>((resolve) =>
      paced.chunks$.subscribe({ error: resolve }),
    );
    expect(String(second)).toMatch(/read once/);
  });
});
