import { applyOverrides, readField } from '@trainwire/core';
import { useId } from 'react';
import type { TrainingPresets } from '../TrainingPresets.js';

/** The epochs and learning rate a dialog overrides, as typed; empty keeps the preset's. */
export interface TrainingFields {
  epochs: string;
  learningRate: string;
}

/** A preset's own value of a setting, read where the profile keeps it. */
export function presetValue(
  training: TrainingPresets,
  config: Readonly<Record<string, unknown>> | undefined,
  key: 'epochs' | 'learningRate',
): number | undefined {
  const path = training.configProfile?.fields?.[key];
  const value = config === undefined || path === undefined ? undefined : readField(config, path);
  return typeof value === 'number' ? value : undefined;
}

/**
 * The config to train with: `config` with the typed overrides written where the profile
 * keeps them (core's `applyOverrides`); a sentence saying what to fix when a field is not a
 * number. The profile's own rules (epochs ≥ 1, …) are checked by the submission.
 */
export function configWith(
  training: TrainingPresets,
  config: Readonly<Record<string, unknown>>,
  fields: TrainingFields,
): Record<string, unknown> | string {
  const epochs = fields.epochs.trim() === '' ? undefined : Number(fields.epochs);
  const learningRate = fields.learningRate.trim() === '' ? undefined : Number(fields.learningRate);
  if (epochs !== undefined && !Number.isInteger(epochs))
    return 'Epochs must be a whole number; leave it empty for the preset’s.';
  if (learningRate !== undefined && !Number.isFinite(learningRate))
    return 'The learning rate must be a number (like 0.01); leave it empty for the preset’s.';
  try {
    return applyOverrides(training.configProfile, structuredClone({ ...config }), {
      ...(epochs === undefined ? {} : { epochs }),
      ...(learningRate === undefined ? {} : { learningRate }),
    });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Epochs and learning rate inputs; their placeholders are the preset's values. */
export function TrainingFieldsInputs({
  values,
  onChange,
  placeholders,
  problem,
}: {
  values: TrainingFields;
  onChange: (values: TrainingFields) => void;
  placeholders: { epochs?: number | undefined; learningRate?: number | undefined };
  problem: string | null;
}) {
  const epochsId = useId();
  const rateId = useId();
  return (
    <div className="tw-field tw-training-fields">
      <label htmlFor={epochsId}>Epochs</label>{' '}
      <input
        id={epochsId}
        type="number"
        min={1}
        step={1}
        inputMode="numeric"
        value={values.epochs}
        placeholder={placeholders.epochs === undefined ? '' : String(placeholders.epochs)}
        onChange={(event) => onChange({ ...values, epochs: event.target.value })}
      />{' '}
      <label htmlFor={rateId}>Learning rate</label>{' '}
      <input
        id={rateId}
        type="number"
        min={0}
        step="any"
        inputMode="decimal"
        value={values.learningRate}
        placeholder={
          placeholders.learningRate === undefined ? '' : String(placeholders.learningRate)
        }
        onChange={(event) => onChange({ ...values, learningRate: event.target.value })}
      />
      {problem === null ? null : <p className="tw-field-error">{problem}</p>}
    </div>
  );
}
