/** What an {@link AsyncValue} holds: the last value loaded, and how the latest load went. */
export interface AsyncSnapshot<T> {
  status: 'loading' | 'ready' | 'failed';
  /** The last value loaded (kept while loading again and after a failure). */
  value: T | undefined;
  /** Why the latest load failed, in words; null otherwise. */
  error: string | null;
}

/**
 * A value a widget loads from its worker (`worker.info`, an experiment's artifacts, a
 * lineage tree) as a small store for `useSyncExternalStore`: only the latest load
 * lands, and a failure is a value, with the last good value kept.
 */
export class AsyncValue<T> {
  private snapshot: AsyncSnapshot<T> = { status: 'loading', value: undefined, error: null };
  private readonly listeners = new Set<() => void>();
  private latest = 0;

  getSnapshot = (): AsyncSnapshot<T> => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Loads again with `load`; `describe` turns a failure into the words shown. */
  load(load: () => Promise<T>, describe: (words: string) => string): void {
    const ticket = ++this.latest;
    if (this.snapshot.status !== 'loading') this.set({ ...this.snapshot, status: 'loading' });
    load().then(
      (value) => ticket === this.latest && this.set({ status: 'ready', value, error: null }),
      (error: unknown) =>
        ticket === this.latest &&
        this.set({
          ...this.snapshot,
          status: 'failed',
          error: describe(error instanceof Error ? error.message : String(error)),
        }),
    );
  }

  private set(next: AsyncSnapshot<T>): void {
    this.snapshot = next;
    for (const listener of [...this.listeners]) listener();
  }
}
