import type { Artifact, RpcPeer } from '@trainwire/core';
import { useAsyncValue } from './useAsyncValue.js';

/**
 * The worker's datasets (`artifact.list` of kind `dataset`), newest first, one per file (an
 * overwritten dataset keeps a record per job that wrote it), listed again when `key` changes.
 */
export function useWorkerDatasets(peer: Pick<RpcPeer, 'request'>, key = '') {
  const listing = useAsyncValue<readonly Artifact[]>(
    async () => {
      const { artifacts } = await peer.request('artifact.list', { kind: 'dataset', limit: 200 });
      const seen = new Set<string>();
      return artifacts.filter((a) => !seen.has(a.path) && seen.add(a.path) !== undefined);
    },
    key,
    (words) => `Could not list the worker's datasets: ${words}`,
  );
  return { value: listing.value ?? [], error: listing.error, status: listing.status };
}
