import {
  baseName,
  type Experiment,
  type Experiments,
  ModelNameSchema,
  type Models,
  type ModelVersion,
} from '@trainwire/core';
import { useEffect, useId, useState } from 'react';
import type { AsyncSnapshot } from './internal/AsyncValue.js';
import { ColumnHeads } from './internal/ColumnHeads.js';
import { formatTime } from './internal/format.js';
import { useAsyncValue } from './internal/useAsyncValue.js';
import { useJobChanges } from './internal/useJobChanges.js';
import { useActiveModels } from './useActiveModels.js';
import { useModels } from './useModels.js';

/** Props of {@link ModelsPanel}. */
export interface ModelsPanelProps {
  /** The worker's model registry (core's `Models`). */
  models: Models;
  /** The same worker's experiments: with them, "Register" offers each completed one. */
  experiments?: Pick<Experiments, 'list'>;
  /** Each `model.activated` notice, whoever activated the version: hot-swap the model here. */
  onActivated?: (model: ModelVersion) => void;
}

/** A model name from an experiment's: letters, digits, `_` and `-`, as `model.register` takes. */
function modelNameOf(text: string): string {
  return (
    text
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 64) || 'model'
  );
}

function byName(models: readonly ModelVersion[]): Array<[string, ModelVersion[]]> {
  const groups = new Map<string, ModelVersion[]>();
  for (const model of models) groups.set(model.name, [...(groups.get(model.name) ?? []), model]);
  return [...groups];
}

function Register({
  models,
  completed,
}: {
  models: Models;
  completed: AsyncSnapshot<readonly Experiment[]>;
}) {
  const [chosenId, setChosenId] = useState('');
  const [name, setName] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState('');
  const experimentId = useId();
  const nameId = useId();
  const rows = completed.value ?? [];
  const chosen = rows.find((e) => e.id === chosenId) ?? rows[0];
  const shownName = name ?? (chosen === undefined ? '' : modelNameOf(chosen.name));
  const valid = ModelNameSchema.safeParse(shownName);
  return (
    <form
      className="tw-register"
      aria-label="Register a model"
      onSubmit={(event) => {
        event.preventDefault();
        if (chosen === undefined || !valid.success) return;
        setBusy(true);
        setProblem(null);
        setDone('');
        models
          .register({ name: shownName, experimentId: chosen.id })
          .then((model) => {
            setDone(`Registered ${model.name} version ${model.version} from ${chosen.name}.`);
            setName(null);
          })
          .catch((error: unknown) =>
            setProblem(
              `Could not register the model: ${error instanceof Error ? error.message : String(error)}`,
            ),
          )
          .finally(() => setBusy(false));
      }}
    >
      <h3>Register a model</h3>
      {rows.length === 0 ? (
        <p>
          {completed.status === 'loading'
            ? 'Listing the completed experiments…'
            : 'No completed experiment yet: a training that completes can be registered here.'}
        </p>
      ) : (
        <>
          <label htmlFor={experimentId}>Completed experiment</label>{' '}
          <select
            id={experimentId}
            value={chosen?.id ?? ''}
            onChange={(event) => {
              setChosenId(event.target.value);
              setName(null);
            }}
          >
            {rows.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
          </select>{' '}
          <label htmlFor={nameId}>Model name</label>{' '}
          <input
            id={nameId}
            value={shownName}
            aria-invalid={!valid.success}
            onChange={(event) => setName(event.target.value)}
          />{' '}
          <button type="submit" disabled={busy || !valid.success}>
            Register
          </button>
          {valid.success ? null : (
            <p className="tw-field-error">{valid.error.issues[0]?.message}</p>
          )}
        </>
      )}
      <p role="status">{done}</p>
      {problem === null ? null : <p role="alert">{problem}</p>}
      {completed.error === null ? null : <p role="alert">{completed.error}</p>}
    </form>
  );
}

/**
 * A worker's model registry (core's `Models`): every version by name, newest first, the
 * active one badged, "Set active" on the others (`model.activate`), and "Register" of a
 * completed experiment's model (`model.register`). It follows `model.activated` notices
 * (`useActiveModels`), so a version another client activates is badged here at once.
 *
 * @example
 * ```tsx
 * <ModelsPanel models={models} experiments={experiments} onActivated={(m) => swap(m)} />
 * ```
 */
export function ModelsPanel({ models, experiments, onActivated }: ModelsPanelProps) {
  const { watch, error: watchError } = useActiveModels(models, onActivated);
  const { models: versions, status, error } = useModels(models);
  const [problem, setProblem] = useState<string | null>(null);
  const titleId = useId();
  // A job that ends registers its model on the worker: list again then.
  const round = useJobChanges(() => void models.refresh());
  useEffect(() => {
    void models.refresh();
  }, [models]);
  const completed = useAsyncValue<readonly Experiment[]>(
    async () =>
      experiments === undefined
        ? []
        : (await experiments.list({ status: 'completed', limit: 50 })).experiments,
    `${round}`,
    (words) => `Could not list the completed experiments: ${words}`,
  );
  const nameOf = (id: string | undefined) =>
    id === undefined ? '—' : (completed.value?.find((e) => e.id === id)?.name ?? id);
  const activate = (model: ModelVersion) => {
    setProblem(null);
    models
      .activate(model.name, model.version)
      .catch((reason: unknown) =>
        setProblem(
          `Could not make ${model.name} version ${model.version} active: ${reason instanceof Error ? reason.message : String(reason)}`,
        ),
      );
  };
  return (
    <section className="tw-models" aria-labelledby={titleId}>
      <h2 id={titleId}>Models</h2>
      <p className="tw-models-watch">
        {watch === 'watching'
          ? 'Following the worker: a version made active anywhere shows here at once.'
          : watch === 'subscribing'
            ? 'Connecting to the registry…'
            : ''}
      </p>
      {versions.length === 0 ? (
        <p>
          {status === 'loading' || status === 'idle'
            ? 'Listing the models…'
            : 'No models registered yet.'}
        </p>
      ) : (
        byName(versions).map(([name, list]) => (
          <table key={name} className="tw-model">
            <caption>{name}</caption>
            <ColumnHeads
              names={['Version', 'From experiment', 'File', 'Registered', 'Status', 'Actions']}
            />
            <tbody>
              {list.map((model) => (
                <tr key={model.version} className={model.active ? 'tw-model-active' : undefined}>
                  <th scope="row">v{model.version}</th>
                  <td>{nameOf(model.experimentId)}</td>
                  <td>
                    {model.artifact === undefined ? (
                      model.artifactId
                    ) : (
                      <code title={model.artifact.path}>{baseName(model.artifact.path)}</code>
                    )}
                  </td>
                  <td>{formatTime(model.createdAt)}</td>
                  <td>{model.active ? <span className="tw-badge">Active</span> : '—'}</td>
                  <td>
                    <button
                      type="button"
                      aria-label={`Set ${name} version ${model.version} active`}
                      disabled={model.active}
                      onClick={() => activate(model)}
                    >
                      Set active
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))
      )}
      {experiments === undefined ? null : <Register models={models} completed={completed} />}
      {[error, watchError, problem].map((text) =>
        text === null ? null : (
          <p key={text} role="alert">
            {text}
          </p>
        ),
      )}
    </section>
  );
}
