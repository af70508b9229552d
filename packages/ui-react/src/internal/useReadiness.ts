import {
  describeReadiness,
  isTrainwireError,
  type ReadinessView,
  type RpcPeer,
  type WorkerReadiness,
} from '@trainwire/core';
import { useRef } from 'react';
import { useAsyncValue } from './useAsyncValue.js';

/** What a held-back action says while the worker is being asked. */
export const CHECKING = 'Checking whether the worker is ready…';

/** A worker's readiness as a view uses it: the answer, core's view of it, and a gate per action. */
export interface Readiness {
  /** `unsupported`: the worker does not answer `worker.readiness` (nothing is gated then). */
  status: 'loading' | 'ready' | 'failed' | 'unsupported';
  readiness: WorkerReadiness | undefined;
  /** Core's `describeReadiness` of it (with the user's CPU-only preference). */
  view: ReadinessView | undefined;
  error: string | null;
  /** Why `action` (`train:builtin`, `fine-tune:builtin`, `generate-dataset`) cannot be done now; null when it can. */
  why(action: string): string | null;
  /** Asks the worker to run its checks again (`refresh: true`). */
  checkAgain(): void;
}

/**
 * The worker's `worker.readiness`, asked when the view mounts and whenever `key` changes,
 * through core's `describeReadiness`: an action the worker is not ready for is disabled,
 * saying why in its words.
 */
export function useReadiness(
  peer: Pick<RpcPeer, 'request'>,
  options: { cpuOnly?: boolean | undefined; key?: string } = {},
): Readiness {
  const refresh = useRef(false);
  const answer = useAsyncValue<WorkerReadiness | null>(
    async () => {
      const fresh = refresh.current;
      refresh.current = false;
      try {
        return await peer.request('worker.readiness', { refresh: fresh });
      } catch (error) {
        // An older worker: it cannot say, so nothing is held back.
        if (isTrainwireError(error) && error.code === 'unknown_method') return null;
        throw error;
      }
    },
    options.key ?? '',
    (words) => `Could not ask the worker whether it is ready: ${words}`,
  );
  const readiness = answer.value ?? undefined;
  const view =
    readiness === undefined
      ? undefined
      : describeReadiness(readiness, { cpuOnly: options.cpuOnly === true });
  const status =
    answer.value === null ? 'unsupported' : answer.value === undefined ? answer.status : 'ready';
  return {
    status: status === 'ready' && answer.status === 'failed' ? 'failed' : status,
    readiness,
    view,
    error: answer.error,
    why: (action) => {
      if (answer.value === null) return null;
      if (answer.error !== null) return answer.error;
      if (view === undefined) return CHECKING;
      const found = view.action(action);
      return found.enabled ? null : `Not ready on this worker: ${found.reason}.`;
    },
    checkAgain: () => {
      refresh.current = true;
      answer.reload();
    },
  };
}
