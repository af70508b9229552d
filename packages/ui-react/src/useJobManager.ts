import type { JobManager } from '@trainwire/core';
import { useContext } from 'react';
import { UiReactError } from './errors.js';
import { TrainwireContext } from './internal/TrainwireContext.js';

/**
 * The `JobManager` of the nearest {@link TrainwireProvider}.
 *
 * @throws UiReactError `missing_provider` when no provider is above the component.
 */
export function useJobManager(): JobManager {
  const context = useContext(TrainwireContext);
  if (context === null) {
    throw new UiReactError(
      'missing_provider',
      'no TrainwireProvider above this component; wrap the widgets in <TrainwireProvider manager={manager}>',
    );
  }
  return context.manager;
}
