import type { BatchHistory, BatchPoint } from '../JobSnapshot.js';

/**
 * A session's bounded batch-loss history: appended one point per `batch_end`, the oldest
 * dropped past `limit`. Each {@link BatchLog.view} is an immutable {@link BatchHistory}:
 * the buffer is only ever appended to, and when it is trimmed a new one replaces it, so an
 * older view still reads what it saw (amortised O(1) per point, no copy per snapshot).
 */
export class BatchLog {
  private buffer: BatchPoint[] = [];
  private total = 0;
  private cached: BatchHistory | null = null;

  constructor(private readonly limit: number) {}

  /** Records one batch; false (nothing kept) for a missing or non-finite loss. */
  add(epoch: number, batch: number, loss: number | null | undefined): boolean {
    if (this.limit <= 0 || typeof loss !== 'number' || !Number.isFinite(loss)) return false;
    // Trim to `limit` once the buffer holds twice that: a fresh array, older views keep theirs.
    if (this.buffer.length >= this.limit * 2) this.buffer = this.buffer.slice(-this.limit);
    this.buffer.push({ epoch, batch, loss });
    this.total++;
    this.cached = null;
    return true;
  }

  /** The history as it stands now; the same object until a point is added. */
  view(): BatchHistory {
    if (this.cached !== null) return this.cached;
    const buffer = this.buffer;
    const end = buffer.length;
    const kept = Math.min(end, this.limit);
    const total = this.total;
    const first = total - kept;
    const since = (from: number): readonly BatchPoint[] =>
      buffer.slice(end - kept + Math.max(0, Math.min(from, total) - first), end);
    this.cached = { total, kept, first, since };
    return this.cached;
  }
}

/** The empty history (a session with no batches yet, or `batchHistory: 0`). */
export const NO_BATCHES: BatchHistory = { total: 0, kept: 0, first: 0, since: () => [] };
