import { type JobSpec, PIPELINE_PROFILE } from './schemas/JobSpec.js';
import { stageRefOf } from './schemas/StageSpec.js';
import type { ConfigIssue } from './validation/ConfigProfile.js';

function error(path: string, code: string, message: string): ConfigIssue {
  return { path, severity: 'error', code, message };
}

/**
 * What is wrong with the shape of a pipeline spec (one with `stages`), before any stage's
 * config is checked: `profile` must be `"pipeline"`, the job's own `config` and `inputs`
 * stay empty, stage names are unique, a `stage:NAME` input names an *earlier* stage, and
 * a pipeline neither fine-tunes (`fineTune`) nor runs `predict`. An input value `stage:NAME`
 * outside a pipeline is an error too. Empty for a spec without these problems; the worker
 * refuses a spec with any (`config_invalid`), the client before it sends it.
 *
 * @example
 * ```ts
 * pipelineIssues({ ...spec, stages: [{ name: 'a', profile: 'builtin', config: {}, inputs: { base_model: 'stage:b' } }, …] });
 * // → [{ path: 'stages.0.inputs.base_model', code: 'bad_stage_ref', … }]
 * ```
 */
export function pipelineIssues(spec: JobSpec): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const stages = spec.stages;
  if (stages === undefined) {
    for (const [role, value] of Object.entries(spec.inputs)) {
      if (stageRefOf(value) !== undefined) {
        issues.push(
          error(
            `inputs.${role}`,
            'bad_stage_ref',
            `"${value}" names a pipeline stage, but this job has no stages; give a path on the worker`,
          ),
        );
      }
    }
    return issues;
  }
  if (spec.profile !== PIPELINE_PROFILE) {
    issues.push(
      error(
        'profile',
        'pipeline_profile',
        `a job with stages has profile "${PIPELINE_PROFILE}" (each stage names its own); got "${spec.profile}"`,
      ),
    );
  }
  if (Object.keys(spec.config).length > 0) {
    issues.push(
      error(
        'config',
        'pipeline_config',
        "a pipeline's config goes into its stages; leave config empty",
      ),
    );
  }
  if (Object.keys(spec.inputs).length > 0) {
    issues.push(
      error(
        'inputs',
        'pipeline_inputs',
        "a pipeline's inputs go into its stages; leave inputs empty",
      ),
    );
  }
  if (spec.predict !== undefined) {
    issues.push(
      error(
        'predict',
        'pipeline_predict',
        'a job is a pipeline or a predict job, not both; drop predict or stages',
      ),
    );
  }
  if (spec.fineTune !== undefined) {
    issues.push(
      error(
        'fineTune',
        'pipeline_fine_tune',
        'a pipeline cannot fine-tune as a whole; give the stage that should its base model as input base_model',
      ),
    );
  }
  const seen = new Set<string>();
  stages.forEach((stage, index) => {
    if (seen.has(stage.name)) {
      issues.push(
        error(
          `stages.${index}.name`,
          'duplicate_stage',
          `two stages are named "${stage.name}"; give each stage its own name`,
        ),
      );
    }
    for (const [role, value] of Object.entries(stage.inputs)) {
      const ref = stageRefOf(value);
      if (ref === undefined || seen.has(ref)) continue;
      const later = stages.some((other, k) => k >= index && other.name === ref);
      issues.push(
        error(
          `stages.${index}.inputs.${role}`,
          'bad_stage_ref',
          later
            ? `stage "${stage.name}" takes the model of stage "${ref}", which runs ${ref === stage.name ? 'as this very stage' : 'after it'}; a stage can only use an earlier stage's model`
            : `stage "${stage.name}" takes the model of a stage "${ref}" this pipeline does not have; its stages are ${stages.map((s) => s.name).join(', ')}`,
        ),
      );
    }
    seen.add(stage.name);
  });
  return issues;
}

/**
 * Every path a spec names on the worker, by role: its `inputs`, and for a pipeline each
 * stage's inputs as `STAGE/ROLE` (a `stage:NAME` reference is no path and is left out).
 */
export function specInputPaths(spec: JobSpec): Record<string, string> {
  const paths: Record<string, string> = { ...spec.inputs };
  for (const stage of spec.stages ?? []) {
    for (const [role, value] of Object.entries(stage.inputs)) {
      if (stageRefOf(value) === undefined) paths[`${stage.name}/${role}`] = value;
    }
  }
  return paths;
}
