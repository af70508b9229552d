import { describeGpu, type WorkerInfo } from '@trainwire/core';
import type { AsyncSnapshot } from './AsyncValue.js';
import { formatMemory } from './format.js';

/** The worker's machine, as `worker.info` describes it: CPU, memory, GPU, status. */
export function SystemStatus({ info }: { info: AsyncSnapshot<WorkerInfo> }) {
  const { value } = info;
  return (
    <section className="tw-system-status" aria-label="Worker">
      {value === undefined ? (
        <p>{info.status === 'failed' ? '' : 'Asking the worker about its machine…'}</p>
      ) : (
        <dl>
          <div>
            <dt>Worker</dt>
            <dd>
              {value.name} ({value.status})
            </dd>
          </div>
          <div>
            <dt>CPU</dt>
            <dd>
              {value.cpu.model}, {value.cpu.cores} core{value.cpu.cores === 1 ? '' : 's'}
            </dd>
          </div>
          <div>
            <dt>Memory</dt>
            <dd>{formatMemory(value.ramMiB)}</dd>
          </div>
          <div>
            <dt>GPU</dt>
            <dd>
              {describeGpu(value.gpu)}
              {(value.gpus?.length ?? 0) > 1 ? ` (${value.gpus?.length} GPUs)` : ''}
            </dd>
          </div>
        </dl>
      )}
      {info.error === null ? null : <p role="alert">{info.error}</p>}
    </section>
  );
}
