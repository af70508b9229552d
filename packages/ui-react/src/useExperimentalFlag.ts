import { useCallback, useMemo, useSyncExternalStore } from 'react';

/** An on/off switch with a snapshot, such as host-adapter's experimental-features flag. */
export interface FlagStore {
  getSnapshot(): boolean;
  subscribe(listener: () => void): () => void;
  set(on: boolean): void;
}

/**
 * Whether `flag` is on, and a setter, as `useState` gives them; follows changes made
 * anywhere (another widget, the host's own settings, the environment).
 *
 * @example
 * ```tsx
 * const [enabled, setEnabled] = useExperimentalFlag(flag);
 * <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
 * ```
 */
export function useExperimentalFlag(flag: FlagStore): readonly [boolean, (on: boolean) => void] {
  const subscribe = useMemo(() => (cb: () => void) => flag.subscribe(cb), [flag]);
  const getSnapshot = useMemo(() => () => flag.getSnapshot(), [flag]);
  const on = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
  const set = useCallback((next: boolean) => flag.set(next), [flag]);
  return [on, set] as const;
}
