import { type ConfigIssue, detailsOf, type JobSnapshot } from '@trainwire/core';

/**
 * The config issues of a job: every issue of a refused config (`config_invalid` carries
 * them in its details), else the warnings of an accepted one.
 */
export function configIssuesOf(snapshot: JobSnapshot): readonly ConfigIssue[] {
  return detailsOf(snapshot.error, 'config_invalid')?.issues ?? snapshot.warnings;
}
