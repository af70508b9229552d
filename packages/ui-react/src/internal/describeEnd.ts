import { describeFailure, describeOutcome, type JobSnapshot } from '@trainwire/core';

/**
 * How a finished job ended, as a headline and a sentence in core's words: `describeFailure` for a job that
 * failed, was cancelled or turned down (the failure dialog and the CLI's summary say the
 * same), `describeOutcome` for one that completed or lost its worker.
 */
export function describeEnd(final: JobSnapshot): {
  kind: string;
  headline: string;
  sentence: string;
} {
  const outcome = describeOutcome(final);
  const failure = describeFailure(final);
  if (failure !== undefined)
    return failure.kind === 'refused'
      ? {
          kind: 'refused',
          headline: 'Remote Training Not Started',
          sentence: `${failure.headline}: ${failure.error ?? 'the worker turned it down'}.`,
        }
      : { kind: failure.kind, headline: failure.title, sentence: `${failure.headline}.` };
  const resumed = outcome.resumedAt === null ? '' : ` (resumed at epoch ${outcome.resumedAt})`;
  switch (outcome.kind) {
    case 'stopped-early':
      return {
        kind: outcome.kind,
        headline: 'Remote Training Completed Successfully',
        sentence: `Stopped early after ${outcome.reached}${resumed}.`,
      };
    case 'lost':
      return {
        kind: outcome.kind,
        headline: 'Lost Contact With The Worker',
        sentence: 'The job may still be running on the worker.',
      };
    default:
      return {
        kind: outcome.kind,
        headline: 'Remote Training Completed Successfully',
        sentence:
          resumed === ''
            ? `Trained ${outcome.reachedEpoch} epoch${outcome.reachedEpoch === 1 ? '' : 's'}.`
            : `Trained to ${outcome.reached}${resumed}.`,
      };
  }
}
