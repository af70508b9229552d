import { baseName, type ModelVersion } from '@trainwire/core';
import { ColumnHeads } from './ColumnHeads.js';
import { formatTime } from './format.js';

/** A model's versions held by a running fine-tune: the version it starts from, and its job. */
export interface ModelLock {
  version: number;
  jobId: string;
}

/**
 * One model's versions, newest first: the active one badged; Set active and Delete on the
 * others; Fine-tune on the active one and Predict on each (when offered). While a fine-tune of the model runs,
 * the version it starts from is locked: no other version may be made active, and it may
 * not be deleted.
 */
export function ModelVersionsTable({
  name,
  versions,
  lock,
  experimentName,
  onActivate,
  onDelete,
  onFineTune,
  fineTuneWhy,
  onPredict,
  predictWhy = null,
}: {
  name: string;
  versions: readonly ModelVersion[];
  lock: ModelLock | undefined;
  experimentName: (id: string | undefined) => string;
  onActivate: (model: ModelVersion) => void;
  onDelete: (model: ModelVersion) => void;
  /** Offered on the active version when given. */
  onFineTune: ((model: ModelVersion) => void) | undefined;
  fineTuneWhy: string | null;
  /** "Predict…" on every version when given. */
  onPredict?: ((model: ModelVersion) => void) | undefined;
  predictWhy?: string | null;
}) {
  const locked =
    lock === undefined
      ? null
      : `${name} is locked while job ${lock.jobId} fine-tunes version ${lock.version}; wait for it to end.`;
  return (
    <table className="tw-model">
      <caption>{name}</caption>
      <ColumnHeads
        names={['Version', 'From experiment', 'File', 'Registered', 'Status', 'Actions']}
      />
      <tbody>
        {versions.map((model) => {
          const source = lock?.version === model.version;
          return (
            <tr key={model.version} className={model.active ? 'tw-model-active' : undefined}>
              <th scope="row">v{model.version}</th>
              <td>{experimentName(model.experimentId)}</td>
              <td>
                {model.artifact === undefined ? (
                  model.artifactId
                ) : (
                  <code title={model.artifact.path}>{baseName(model.artifact.path)}</code>
                )}
              </td>
              <td>{formatTime(model.createdAt)}</td>
              <td>
                {model.active ? <span className="tw-badge">Active</span> : '—'}
                {source ? <span className="tw-badge tw-locked">Locked: fine-tuning</span> : null}
              </td>
              <td>
                <button
                  type="button"
                  aria-label={`Set ${name} version ${model.version} active`}
                  disabled={model.active || locked !== null}
                  title={model.active ? undefined : (locked ?? undefined)}
                  onClick={() => onActivate(model)}
                >
                  Set active
                </button>{' '}
                <button
                  type="button"
                  aria-label={`Delete ${name} version ${model.version}`}
                  disabled={model.active || source}
                  title={
                    source
                      ? (locked ?? undefined)
                      : model.active
                        ? 'The active version cannot be deleted; make another one active first.'
                        : undefined
                  }
                  onClick={() => onDelete(model)}
                >
                  Delete
                </button>
                {model.active && onFineTune !== undefined ? (
                  <>
                    {' '}
                    <button
                      type="button"
                      aria-label={`Fine-tune ${name} version ${model.version}`}
                      disabled={fineTuneWhy !== null || locked !== null}
                      title={locked ?? fineTuneWhy ?? undefined}
                      onClick={() => onFineTune(model)}
                    >
                      Fine-tune…
                    </button>
                  </>
                ) : null}
                {onPredict === undefined ? null : (
                  <>
                    {' '}
                    <button
                      type="button"
                      aria-label={`Predict with ${name} version ${model.version}`}
                      disabled={predictWhy !== null}
                      title={predictWhy ?? undefined}
                      onClick={() => onPredict(model)}
                    >
                      Predict…
                    </button>
                  </>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
