import {
  type ExperimentStatus,
  ExperimentStatusSchema,
  type WorkerConnection,
} from '@trainwire/core';
import { useEffect, useId, useState } from 'react';
import type { ExperimentRunProps } from './ExperimentRunProps.js';
import { ColumnHeads } from './internal/ColumnHeads.js';
import { ExperimentRunButton } from './internal/ExperimentRunButton.js';
import { formatMetrics, formatTime } from './internal/format.js';
import { LineageTree } from './internal/LineageTree.js';
import { MergedExperiments } from './internal/MergedExperiments.js';
import { useExperimentRuns } from './internal/useExperimentRuns.js';
import { useJobChanges } from './internal/useJobChanges.js';
import { SubmitFlowDialogs } from './SubmitFlowDialogs.js';
import { useExperiments } from './useExperiments.js';

/** Props of {@link ExperimentsTable}. */
export interface ExperimentsTableProps extends ExperimentRunProps {
  /** Rows per page (20). */
  pageSize?: number;
  /**
   * Every worker of the room: with two or more, the table merges their experiments newest
   * first (core's `listAcrossWorkers`, a page of each), each row naming its worker, and says
   * which worker did not answer.
   */
  workers?: readonly WorkerConnection[];
}

const STATUSES: readonly ExperimentStatus[] = ExperimentStatusSchema.options;

/**
 * A worker's experiments, newest first (core's `Experiments` list view): status, name,
 * preset, created, final metrics and tags; a status filter; pages ("Show more"); Resume
 * and Retry; and Lineage, the tree the experiment belongs to (`experiment.lineage`) as
 * nested lists. It lists again whenever a job changes state.
 *
 * @example
 * ```tsx
 * <ExperimentsTable experiments={new Experiments(manager.peerFor(transport))} transport={transport} />
 * ```
 */
export function ExperimentsTable(props: ExperimentsTableProps) {
  const { experiments, pageSize = 20 } = props;
  const runs = useExperimentRuns(props);
  const list = useExperiments(experiments);
  const [lineageOf, setLineageOf] = useState<string | null>(null);
  const titleId = useId();
  const filterId = useId();
  const round = useJobChanges(() => void experiments.refresh());
  // The first page when the table opens; the filter's own page size.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per experiments object.
  useEffect(() => {
    void experiments.refresh({ ...experiments.getSnapshot().filter, limit: pageSize });
  }, [experiments]);

  const status = list.filter.status ?? '';
  const merged = (props.workers?.length ?? 0) > 1 ? props.workers : undefined;
  return (
    <section className="tw-experiments" aria-labelledby={titleId}>
      <h2 id={titleId}>Experiments</h2>
      <label htmlFor={filterId}>Status</label>{' '}
      <select
        id={filterId}
        value={status}
        onChange={(event) => {
          const chosen = event.target.value as ExperimentStatus | '';
          const { status: _, ...rest } = list.filter;
          void experiments.refresh(chosen === '' ? rest : { ...rest, status: chosen });
        }}
      >
        <option value="">All statuses</option>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      {merged === undefined ? null : (
        <MergedExperiments
          workers={merged}
          status={list.filter.status}
          limit={pageSize}
          round={round}
        />
      )}
      {merged !== undefined ? null : (
        <p role="status" className="tw-experiments-count">
          {list.status === 'idle' || (list.status === 'loading' && list.experiments.length === 0)
            ? 'Listing the experiments…'
            : `Showing ${list.experiments.length} of ${list.total} experiment${list.total === 1 ? '' : 's'}${status === '' ? '' : ` ${status}`}.`}
        </p>
      )}
      {merged !== undefined || list.experiments.length === 0 ? null : (
        <table className="tw-experiments-table">
          <caption>Experiments, newest first</caption>
          <ColumnHeads
            names={['Status', 'Name', 'Preset', 'Created', 'Final metrics', 'Tags', 'Actions']}
          />
          <tbody>
            {list.experiments.map((experiment) => (
              <tr key={experiment.id}>
                <td>{experiment.status}</td>
                <th scope="row">{experiment.name}</th>
                <td>{experiment.preset ?? '—'}</td>
                <td>{formatTime(experiment.createdAt)}</td>
                <td>{formatMetrics(experiment.finalMetrics)}</td>
                <td>{experiment.tags.length === 0 ? '—' : experiment.tags.join(', ')}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Lineage of ${experiment.name}`}
                    aria-pressed={lineageOf === experiment.id}
                    onClick={() => setLineageOf(lineageOf === experiment.id ? null : experiment.id)}
                  >
                    Lineage
                  </button>{' '}
                  <ExperimentRunButton experiment={experiment} runs={runs} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {merged === undefined && list.hasMore ? (
        <button type="button" onClick={() => void experiments.loadMore()}>
          Show more
        </button>
      ) : null}
      {list.error === null ? null : <p role="alert">{list.error}</p>}
      {runs.error === null ? null : <p role="alert">{runs.error}</p>}
      {lineageOf === null ? null : (
        <LineageTree
          experiments={experiments}
          experimentId={lineageOf}
          version={`${round}:${list.total}`}
          onClose={() => setLineageOf(null)}
        />
      )}
      {props.submission === undefined ? <SubmitFlowDialogs submission={runs.submission} /> : null}
    </section>
  );
}
