import { useEffect, useState, useSyncExternalStore } from 'react';
import { type AsyncSnapshot, AsyncValue } from './AsyncValue.js';

/**
 * `load()`'s value, loaded when the component mounts and again whenever `key` changes
 * (or `reload()` is called); a failure reads `describe(message)`.
 */
export function useAsyncValue<T>(
  load: () => Promise<T>,
  key: string,
  describe: (words: string) => string,
): AsyncSnapshot<T> & { reload: () => void } {
  const [store] = useState(() => new AsyncValue<T>());
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` says when to load again.
  useEffect(() => store.load(load, describe), [store, key, round]);
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  return { ...snapshot, reload: () => setRound((n) => n + 1) };
}
