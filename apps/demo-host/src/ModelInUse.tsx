import type { Models, ModelVersion } from '@trainwire/core';
import { useActiveModels } from '@trainwire/ui-react';
import { useState } from 'react';

/**
 * The host's own use of the registry: the model its inference would load, swapped each
 * time the worker says a version became active (`model.activated`, through ui-react's
 * `useActiveModels`) — whichever client activated it.
 */
export function ModelInUse({ models }: { models: Models }) {
  const [swapped, setSwapped] = useState<ModelVersion | null>(null);
  const { active } = useActiveModels(models, setSwapped);
  const current = swapped ?? Object.values(active)[0] ?? null;
  return (
    <p role="status" aria-label="Model in use" className="demo-model-in-use">
      {current === null
        ? 'Model in use: none yet (set a registered version active).'
        : `Model in use: ${current.name} version ${current.version}${swapped === null ? '' : ', swapped in on the worker’s notice'}.`}
    </p>
  );
}
