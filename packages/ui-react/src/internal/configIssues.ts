import type { ConfigIssue, JobSnapshot } from '@trainwire/core';

/**
 * The config issues of a job: every issue of a refused config (`config_invalid` carries
 * them in `details.issues`), else the warnings of an accepted one.
 */
export function configIssuesOf(snapshot: JobSnapshot): readonly ConfigIssue[] {
  const { error } = snapshot;
  // `details` is untyped until core types it per error code; check its shape here.
  const issues = error?.code === 'config_invalid' ? error.details?.issues : undefined;
  if (Array.isArray(issues) && issues.every(isConfigIssue)) return issues;
  return snapshot.warnings;
}

function isConfigIssue(value: unknown): value is ConfigIssue {
  if (typeof value !== 'object' || value === null) return false;
  const issue = value as Record<string, unknown>;
  return (
    typeof issue.path === 'string' &&
    typeof issue.message === 'string' &&
    (issue.severity === 'error' || issue.severity === 'warning')
  );
}
