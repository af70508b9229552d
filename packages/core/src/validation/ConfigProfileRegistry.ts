import { TrainwireError, toFieldIssues } from '../errors.js';
import type { ConfigIssue, ConfigProfile, ValidationReport } from './ConfigProfile.js';

/**
 * The config-validation profiles a client knows, by trainer profile id.
 *
 * @example
 * ```ts
 * const registry = new ConfigProfileRegistry([builtinConfigProfile, sleapNnConfigProfile]);
 * const report = registry.validate('sleap-nn', parseConfigText(yamlText, 'config.yaml'));
 * if (!report.ok) for (const i of report.issues) console.log(i.path, i.message);
 * ```
 */
export class ConfigProfileRegistry {
  private readonly profiles = new Map<string, ConfigProfile>();

  constructor(profiles: Iterable<ConfigProfile> = []) {
    for (const profile of profiles) this.register(profile);
  }

  /** Adds (or replaces) a profile. */
  register(profile: ConfigProfile): void {
    this.profiles.set(profile.id, profile);
  }

  /** The profile for `id`, if known. */
  get(id: string): ConfigProfile | undefined {
    return this.profiles.get(id);
  }

  /** Every known profile id. */
  ids(): string[] {
    return [...this.profiles.keys()];
  }

  /**
   * Validates `config` against profile `id`: the schema first (errors name each field),
   * then the profile's rules. Throws `unknown_profile` for an id nobody registered.
   */
  validate(id: string, config: unknown): ValidationReport {
    const profile = this.profiles.get(id);
    if (profile === undefined) {
      throw new TrainwireError(
        'unknown_profile',
        `no config profile "${id}"; known profiles: ${this.ids().join(', ') || '(none)'}`,
      );
    }
    return validateWithProfile(profile, config);
  }
}

/** Validates `config` against one profile. */
export function validateWithProfile(profile: ConfigProfile, config: unknown): ValidationReport {
  const parsed = profile.schema.safeParse(config);
  if (!parsed.success) {
    const issues: ConfigIssue[] = toFieldIssues(parsed.error).map((issue) => ({
      path: issue.path,
      severity: 'error',
      code: 'invalid_value',
      message: issue.message,
    }));
    return { ok: false, issues };
  }
  const issues: ConfigIssue[] = [];
  for (const rule of profile.rules) issues.push(...rule(parsed.data as Record<string, unknown>));
  return { ok: !issues.some((issue) => issue.severity === 'error'), issues };
}
