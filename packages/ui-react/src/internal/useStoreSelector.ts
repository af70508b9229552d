import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { ExternalStore } from '../ExternalStore.js';

/**
 * `useSyncExternalStore` with a selector (as React's `use-sync-external-store/with-selector`):
 * re-renders only when the selected value changes by `isEqual` (`Object.is` by default).
 * The selection is memoised per snapshot, so a selector that builds a new object gives the
 * same one until the snapshot changes.
 */
export function useStoreSelector<S, T>(
  store: ExternalStore<S>,
  selector: (snapshot: S) => T,
  isEqual: (a: T, b: T) => boolean = Object.is,
): T {
  // The value last rendered, kept across selector identities (inline selectors).
  const rendered = useRef<{ value: T } | null>(null);
  const subscribe = useMemo(() => (cb: () => void) => store.subscribe(cb), [store]);
  const getSelection = useMemo(() => {
    let memo: { snapshot: S; value: T } | null = null;
    return (): T => {
      const snapshot = store.getSnapshot();
      if (memo !== null && memo.snapshot === snapshot) return memo.value;
      let value = selector(snapshot);
      const previous = rendered.current;
      if (previous !== null && isEqual(previous.value, value)) value = previous.value;
      memo = { snapshot, value };
      return value;
    };
  }, [store, selector, isEqual]);
  const value = useSyncExternalStore(subscribe, getSelection, getSelection);
  useEffect(() => {
    rendered.current = { value };
  }, [value]);
  return value;
}
