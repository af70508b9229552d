import { TrainwireError } from '../errors.js';
import type { ConfigProfile } from './ConfigProfile.js';
import type { ConfigFields } from './configFields.js';
import { writeField } from './configFields.js';

/** Settings a view overrides on top of a config (the CLI's `--epochs`, a dialog's fields). */
export type ConfigOverrides = { [K in keyof ConfigFields]?: number };

/**
 * `config` with `overrides` written where `profile` keeps each setting (a copy; `config`
 * is left alone). Throws `unsupported_override` when an override is given for a profile
 * that does not say where it keeps its settings.
 *
 * @example
 * ```ts
 * applyOverrides(sleapNnConfigProfile, config, { epochs: 50 });
 * // → config with trainer_config.max_epochs = 50
 * ```
 */
export function applyOverrides(
  profile: Pick<ConfigProfile, 'id' | 'fields'> | undefined,
  config: Record<string, unknown>,
  overrides: ConfigOverrides,
): Record<string, unknown> {
  const given = (Object.keys(overrides) as Array<keyof ConfigFields>).filter(
    (key) => overrides[key] !== undefined,
  );
  if (given.length === 0) return config;
  const fields = profile?.fields;
  if (fields === undefined) {
    throw new TrainwireError(
      'unsupported_override',
      `the ${profile?.id ?? 'unknown'} profile does not say where it keeps ${given.join(', ')}; set them in its config`,
    );
  }
  const out = structuredClone(config);
  for (const key of given) writeField(out, fields[key], overrides[key]);
  return out;
}
