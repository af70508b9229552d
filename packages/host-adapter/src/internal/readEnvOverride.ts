import { HostAdapterError } from '../errors.js';

/** What an environment variable says about the flag. */
export interface EnvOverride {
  /** The variable's name and value, when it decides the flag. */
  override: { name: string; value: string; on: boolean } | undefined;
  /** Set to something that is neither on nor off: ignored, and said so. */
  problem: HostAdapterError | undefined;
}

const ON = new Set(['1', 'true', 'on', 'yes']);
const OFF = new Set(['0', 'false', 'off', 'no']);

/** Reads `name` from `env`: `1` turns the flag on, `0` off; unset or empty leaves it to the saved setting. */
export function readEnvOverride(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): EnvOverride {
  const value = env[name];
  if (value === undefined || value.trim() === '')
    return { override: undefined, problem: undefined };
  const word = value.trim().toLowerCase();
  if (ON.has(word)) return { override: { name, value, on: true }, problem: undefined };
  if (OFF.has(word)) return { override: { name, value, on: false }, problem: undefined };
  return {
    override: undefined,
    problem: new HostAdapterError(
      'bad_env_value',
      `${name}=${value} is neither 1 nor 0, so it is ignored and the saved setting applies; set ${name}=1 or ${name}=0, or unset it`,
      { details: { name, value } },
    ),
  };
}
