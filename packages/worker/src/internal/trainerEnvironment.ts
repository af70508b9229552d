/**
 * The environment a trainer starts with: the worker's own, less every `TRAINWIRE_*`
 * variable — trainwire's secrets (`TRAINWIRE_KEY`, `TRAINWIRE_TOKEN`,
 * `TRAINWIRE_ADMIN_TOKEN`) and settings a trainer has no use for (`TRAINWIRE_HOME`, …) —
 * then `own`: the trainer contract's variables (docs/trainers.md) and the profile's `env`,
 * which the worker sets for this job. A trainer is code the worker runs on a client's
 * behalf; it never needs the credential the worker joined its room with.
 */
export function trainerEnvironment(
  inherited: NodeJS.ProcessEnv,
  own: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inherited)) {
    if (value === undefined || name.toUpperCase().startsWith('TRAINWIRE_')) continue;
    env[name] = value;
  }
  return { ...env, ...own };
}
