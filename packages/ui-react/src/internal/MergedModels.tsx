import { baseName, type ModelVersion, type WorkerConnection } from '@trainwire/core';
import { useState } from 'react';
import { ColumnHeads } from './ColumnHeads.js';
import { formatTime } from './format.js';
import { wordsOf } from './names.js';
import { failureLine, useMergedList } from './useMergedList.js';

/**
 * The model registries of every worker of the room, newest first, each row naming its
 * worker, with Set active on that worker (`model.activate`); a worker that did not answer is
 * named, its rows missing, the others' shown.
 */
export function MergedModels({
  workers,
  round,
}: {
  workers: readonly WorkerConnection[];
  round: number;
}) {
  const [again, setAgain] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const listing = useMergedList(workers, 'model.list', {}, `${round}:${again}`);
  const rows = listing.value?.rows ?? [];
  const activate = (worker: string, model: ModelVersion) => {
    setProblem(null);
    const peer = workers.find((w) => w.worker === worker)?.peer;
    peer
      ?.request('model.activate', { name: model.name, version: model.version })
      .then(() => setAgain((n) => n + 1))
      .catch((error: unknown) =>
        setProblem(
          `Could not make ${model.name} version ${model.version} active on ${worker}: ${wordsOf(error)}`,
        ),
      );
  };
  return (
    <>
      {rows.length === 0 ? (
        <p>{listing.value === undefined ? 'Listing the models…' : 'No models registered yet.'}</p>
      ) : (
        <table className="tw-model tw-merged">
          <caption>Models of every worker, newest first</caption>
          <ColumnHeads
            names={['Worker', 'Model', 'Version', 'File', 'Registered', 'Status', 'Actions']}
          />
          <tbody>
            {rows.map(({ worker, row }) => (
              <tr key={`${worker}\n${row.name}\n${row.version}`}>
                <td>{worker}</td>
                <th scope="row">{row.name}</th>
                <td>v{row.version}</td>
                <td>
                  {row.artifact === undefined ? (
                    row.artifactId
                  ) : (
                    <code>{baseName(row.artifact.path)}</code>
                  )}
                </td>
                <td>{formatTime(row.createdAt)}</td>
                <td>{row.active ? <span className="tw-badge">Active</span> : '—'}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Set ${row.name} version ${row.version} active on ${worker}`}
                    disabled={row.active}
                    onClick={() => activate(worker, row)}
                  >
                    Set active
                  </button>
                </td>
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
      {[listing.error, problem].map((text) =>
        text === null ? null : (
          <p key={text} role="alert">
            {text}
          </p>
        ),
      )}
    </>
  );
}
