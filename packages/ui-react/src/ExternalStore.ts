/**
 * What every hook of this package reads: a core object's `getSnapshot()` (the same object
 * until something changed) and `subscribe(listener)` (returns unsubscribe). `JobSession`,
 * `JobManager` and `WorkerDirectory` all have this shape.
 */
export interface ExternalStore<T> {
  getSnapshot(): T;
  subscribe(listener: () => void): () => void;
}
