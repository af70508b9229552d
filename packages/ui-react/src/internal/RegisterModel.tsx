import { type Experiment, ModelNameSchema, type Models } from '@trainwire/core';
import { useId, useState } from 'react';
import type { AsyncSnapshot } from './AsyncValue.js';
import { modelNameOf } from './names.js';

/** "Register a model": a completed experiment's model as the next version of a name. */
export function RegisterModel({
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
  const shownName = name ?? (chosen === undefined ? '' : modelNameOf(chosen.name) || 'model');
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
