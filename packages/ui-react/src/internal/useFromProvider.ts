import { useContext } from 'react';
import { UiReactError } from '../errors.js';
import { TrainwireContext, type TrainwireContextValue } from './TrainwireContext.js';

type Optional = 'directory' | 'rooms';

/**
 * `given` when there is one, else the provider's `key`; throws `code` (what to pass, and
 * where) without either.
 */
export function useFromProvider<K extends Optional>(
  given: TrainwireContextValue[K],
  key: K,
  code: string,
  message: string,
): NonNullable<TrainwireContextValue[K]> {
  const context = useContext(TrainwireContext);
  const store = given ?? context?.[key];
  if (store === undefined || store === null) throw new UiReactError(code, message);
  return store as NonNullable<TrainwireContextValue[K]>;
}
