import { useEffect, useState } from 'react';
import { useJobManager } from '../useJobManager.js';

/**
 * A number that grows each time a job of the provider's manager changes state (core's
 * `experiment.status` on the event bus): its experiment, the worker's status and the
 * artifacts may have changed, so a view that lists them lists again. `then` runs on each.
 */
export function useJobChanges(then?: () => void): number {
  const manager = useJobManager();
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: subscribed once per manager.
  useEffect(() => {
    const subscription = manager.bus.on('experiment.status').subscribe(() => {
      setRound((n) => n + 1);
      then?.();
    });
    return () => subscription.unsubscribe();
  }, [manager]);
  return round;
}
