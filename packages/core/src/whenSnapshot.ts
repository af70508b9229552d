/** What {@link whenSnapshot} reads: any core store (`JobSession`, `JobManager`, `SubmitFlow`). */
export interface SnapshotSource<S> {
  getSnapshot(): S;
  subscribe(listener: () => void): () => void;
}

/**
 * Resolves with the first non-undefined `pick(snapshot)`: checked now, then after each
 * change of `store`. The way a view waits for a state without polling.
 *
 * @example
 * ```ts
 * const epoch = await whenSnapshot(session, (s) => (s.progress.completedEpochs >= 3 ? 3 : undefined));
 * ```
 */
export function whenSnapshot<S, T>(
  store: SnapshotSource<S>,
  pick: (snapshot: S) => T | undefined,
): Promise<T> {
  return new Promise((resolve) => {
    const now = pick(store.getSnapshot());
    if (now !== undefined) return resolve(now);
    const unsubscribe = store.subscribe(() => {
      const value = pick(store.getSnapshot());
      if (value === undefined) return;
      unsubscribe();
      resolve(value);
    });
  });
}
