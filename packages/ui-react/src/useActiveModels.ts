import type { Models, ModelVersion } from '@trainwire/core';
import { useEffect, useRef, useState } from 'react';
import { useModels } from './useModels.js';

/** What {@link useActiveModels} returns. */
export interface ActiveModels {
  /** The active version of each model name, as the worker last said. */
  active: Readonly<Record<string, ModelVersion>>;
  /** `subscribing` until the worker answered `model.subscribe`; `failed` says why in `error`. */
  watch: 'subscribing' | 'watching' | 'failed';
  error: string | null;
}

const selectActive = (s: { active: Readonly<Record<string, ModelVersion>> }) => s.active;

/**
 * The active version of each model on a worker, kept current by its `model.activated`
 * notices: the hook subscribes (`models.watch()`) when it mounts, and calls `onActivated`
 * for every notice — whoever activated the version, this page or another client — so a
 * host application hot-swaps the model it uses.
 *
 * @example
 * ```tsx
 * const { active } = useActiveModels(models, (model) => loadWeights(model.artifact?.path));
 * ```
 */
export function useActiveModels(
  models: Pick<Models, 'getSnapshot' | 'subscribe' | 'watch' | 'activated$'>,
  onActivated?: (model: ModelVersion) => void,
): ActiveModels {
  const active = useModels(models, selectActive);
  const [watch, setWatch] = useState<Pick<ActiveModels, 'watch' | 'error'>>({
    watch: 'subscribing',
    error: null,
  });
  const latest = useRef(onActivated);
  latest.current = onActivated;
  useEffect(() => {
    let live = true;
    const subscription = models.activated$.subscribe((model) => latest.current?.(model));
    setWatch({ watch: 'subscribing', error: null });
    models.watch().then(
      () => live && setWatch({ watch: 'watching', error: null }),
      (error: unknown) =>
        live &&
        setWatch({
          watch: 'failed',
          error: `Could not follow the worker's active models: ${error instanceof Error ? error.message : String(error)}`,
        }),
    );
    return () => {
      live = false;
      subscription.unsubscribe();
    };
  }, [models]);
  return { active, ...watch };
}
