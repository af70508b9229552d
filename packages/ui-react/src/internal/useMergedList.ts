import {
  type ListMethod,
  type ListRow,
  listAcrossWorkers,
  type MergedList,
  type MethodParams,
  type WorkerConnection,
} from '@trainwire/core';
import { useAsyncValue } from './useAsyncValue.js';

/**
 * One list method asked of every worker of the room at once and merged newest first (core's
 * `listAcrossWorkers`): each row names its worker, and a worker that failed, timed out or
 * whose link closed mid-listing is in `failed`, its rows absent, the others' kept. Listed
 * again when `key` changes.
 */
export function useMergedList<M extends ListMethod>(
  workers: readonly WorkerConnection[],
  method: M,
  params: MethodParams<M>,
  key: string,
) {
  const names = workers.map((w) => w.worker).join('\n');
  return useAsyncValue<MergedList<ListRow<M>>>(
    () => listAcrossWorkers(workers, method, params),
    `${names}|${JSON.stringify(params)}|${key}`,
    (words) => `Could not list the room's workers: ${words}`,
  );
}

/** A worker that did not answer, as a sentence: "The link to worker w2 closed while listing; …". */
export function failureLine(message: string): string {
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
}
