import { describeFailure, describeOutcome, describeStage, type JobSnapshot } from '@trainwire/core';

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
  if (final.spec.predict !== undefined) return describePredictEnd(final, outcome.kind);
  const resumed = outcome.resumedAt === null ? '' : ` (resumed at epoch ${outcome.resumedAt})`;
  switch (outcome.kind) {
    case 'stopped-early':
      return {
        kind: outcome.kind,
        headline: 'Remote Training Completed Successfully',
        sentence: `Stopped early after ${outcome.reached}${resumed}${final.stage === null ? '' : ` in ${describeStage(final.stage)}; no later stage ran`}.`,
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
          final.stage !== null && resumed === ''
            ? `Trained ${final.stage.index + 1} of ${final.stage.count} stages (${final.stage.name}: ${epochs(outcome.reachedEpoch)}).`
            : resumed === ''
              ? `Trained ${epochs(outcome.reachedEpoch)}.`
              : `Trained to ${outcome.reached}${resumed}.`,
      };
  }
}

const epochs = (n: number) => `${n} epoch${n === 1 ? '' : 's'}`;

/** A predict job that completed (or was stopped) or lost its worker: its items, in words. */
function describePredictEnd(
  final: JobSnapshot,
  kind: string,
): { kind: string; headline: string; sentence: string } {
  if (kind === 'lost')
    return {
      kind,
      headline: 'Lost Contact With The Worker',
      sentence: 'The job may still be predicting on the worker.',
    };
  const done = final.items?.done ?? 0;
  const total = final.items?.total ?? null;
  const of = total === null ? `${done}` : `${done} of ${total}`;
  return kind === 'stopped-early' || (total !== null && done < total)
    ? {
        kind: 'stopped-early',
        headline: 'Predictions Ready',
        sentence: `Stopped early after ${of} items; the predictions made by then are kept.`,
      }
    : { kind, headline: 'Predictions Ready', sentence: `Predicted ${of} items.` };
}
