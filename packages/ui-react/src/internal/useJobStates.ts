import type { JobSession, JobState } from '@trainwire/core';
import { useMemo, useSyncExternalStore } from 'react';

/** The state of every session in `jobs`, as one array that changes only when a state does. */
export function useJobStates(jobs: readonly JobSession[]): readonly JobState[] {
  const store = useMemo(() => {
    let cache: readonly JobState[] = [];
    return {
      subscribe(listener: () => void) {
        const stops = jobs.map((job) => job.subscribe(listener));
        return () => {
          for (const stop of stops) stop();
        };
      },
      getSnapshot(): readonly JobState[] {
        const next = jobs.map((job) => job.getSnapshot().state);
        const same = next.length === cache.length && next.every((s, i) => s === cache[i]);
        if (!same) cache = next;
        return cache;
      },
    };
  }, [jobs]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
