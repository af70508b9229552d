import type { z } from 'zod';
import type { ConfigFields } from './configFields.js';

/** One finding of config validation, with the field's dotted path. */
export interface ConfigIssue {
  path: string;
  severity: 'error' | 'warning';
  /** Stable code, e.g. `not_power_of_two`, `too_many_epochs`. */
  code: string;
  message: string;
}

/** A trainer's config rules: a zod schema for shape, rules for meaning. */
export interface ConfigProfile {
  /** The trainer profile id it validates (`builtin`, `sleap-nn`). */
  id: string;
  description: string;
  schema: z.ZodType;
  /** Checks beyond the schema; run only when the schema passed. */
  rules: ReadonlyArray<(config: Record<string, unknown>) => ConfigIssue[]>;
  /** Epochs the config asks for, for progress and ETA (read at `fields.epochs` where known). */
  totalEpochs(config: Record<string, unknown>): number | undefined;
  /** Where the config keeps epochs, learning rate and batch size (for overrides). */
  fields?: ConfigFields;
}

/** The outcome of validating one config. */
export interface ValidationReport {
  /** False when at least one issue is an error. */
  ok: boolean;
  issues: ConfigIssue[];
}
