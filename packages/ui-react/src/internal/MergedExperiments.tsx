import type { ExperimentStatus, WorkerConnection } from '@trainwire/core';
import { ColumnHeads } from './ColumnHeads.js';
import { formatMetrics, formatTime } from './format.js';
import { failureLine, useMergedList } from './useMergedList.js';

/**
 * The experiments of every worker of the room, newest first, each row naming its worker;
 * a worker that did not answer is named, its rows missing, the others' shown.
 */
export function MergedExperiments({
  workers,
  status,
  limit,
  round,
}: {
  workers: readonly WorkerConnection[];
  status: ExperimentStatus | undefined;
  limit: number;
  round: number;
}) {
  const listing = useMergedList(
    workers,
    'experiment.list',
    { limit, ...(status === undefined ? {} : { status }) },
    `${round}`,
  );
  const rows = listing.value?.rows ?? [];
  const answered = Object.keys(listing.value?.totals ?? {}).length;
  return (
    <>
      <p role="status" className="tw-experiments-count">
        {listing.value === undefined
          ? `Listing the experiments of ${workers.length} workers…`
          : `Showing ${rows.length} experiment${rows.length === 1 ? '' : 's'} from ${answered} of ${workers.length} workers.`}
      </p>
      {rows.length === 0 ? null : (
        <table className="tw-experiments-table tw-merged">
          <caption>Experiments of every worker, newest first</caption>
          <ColumnHeads
            names={['Worker', 'Status', 'Name', 'Preset', 'Created', 'Final metrics', 'Tags']}
          />
          <tbody>
            {rows.map(({ worker, row }) => (
              <tr key={`${worker}\n${row.id}`}>
                <td>{worker}</td>
                <td>{row.status}</td>
                <th scope="row">{row.name}</th>
                <td>{row.preset ?? '—'}</td>
                <td>{formatTime(row.createdAt)}</td>
                <td>{formatMetrics(row.finalMetrics)}</td>
                <td>{row.tags.length === 0 ? '—' : row.tags.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(listing.value?.failed ?? []).map((failure) => (
        <p key={failure.worker} role="alert" className="tw-worker-missing">
          {failureLine(failure.message)}
        </p>
      ))}
      {listing.error === null ? null : <p role="alert">{listing.error}</p>}
    </>
  );
}
