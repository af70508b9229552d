import { describeFailure, detailsOf, resolvedInputs } from '@trainwire/core';
import { useState } from 'react';
import { ConfigValidationDialog } from './ConfigValidationDialog.js';
import { PathResolutionDialog } from './PathResolutionDialog.js';
import type { SubmitFlowControls } from './useSubmitFlow.js';

/** Props of {@link SubmitFlowDialogs}. */
export interface SubmitFlowDialogsProps {
  /** The submission, from {@link useSubmitFlow}. */
  submission: SubmitFlowControls;
}

/**
 * The dialogs of a submission, plugged into core's `SubmitFlow` as its hooks: the
 * {@link PathResolutionDialog} is its `fixPaths` ("Continue with Resolved" submits again
 * with the fixed inputs), the {@link ConfigValidationDialog} its `acknowledgeWarnings`;
 * once it is refused, the config's errors (the manager validated them before anything was
 * sent) or, for any other refusal, core's failure headline and the reason.
 *
 * @example
 * ```tsx
 * const submission = useSubmitFlow();
 * <SubmitFlowDialogs submission={submission} />
 * ```
 */
export function SubmitFlowDialogs({ submission }: SubmitFlowDialogsProps) {
  const { prompt, snapshot, flow, options, manager } = submission;
  const [dismissed, setDismissed] = useState<typeof flow>(null);
  if (prompt?.kind === 'fix-paths')
    return (
      <PathResolutionDialog
        resolution={prompt.resolution}
        worker={manager.peerFor(options.transport)}
        onContinue={(resolution) => prompt.answer(resolvedInputs(resolution))}
        onCancel={() => prompt.answer(undefined)}
      />
    );
  if (prompt?.kind === 'acknowledge-warnings')
    return (
      <ConfigValidationDialog
        issues={prompt.warnings}
        onClose={() => prompt.answer(false)}
        onContinue={() => prompt.answer(true)}
      />
    );
  if (snapshot?.phase !== 'refused' || dismissed === flow) return null;
  const invalid = detailsOf(snapshot.error, 'config_invalid');
  if (invalid !== undefined)
    return <ConfigValidationDialog issues={invalid.issues} onClose={() => setDismissed(flow)} />;
  // A path dialog the user cancelled, a busy worker, an unknown profile: say so in the page.
  const failure =
    snapshot.session === null ? undefined : describeFailure(snapshot.session.getSnapshot());
  const busy =
    snapshot.blockingJobs === null || snapshot.blockingJobs.length === 0
      ? ''
      : ` (running: ${snapshot.blockingJobs.join(', ')})`;
  return (
    <p role="alert" className="tw-refused">
      {failure?.headline ?? 'The job was not started'}:{' '}
      {snapshot.error?.message ?? 'no reason given'}
      {busy}.{' '}
      <button type="button" onClick={() => setDismissed(flow)}>
        Dismiss
      </button>
    </p>
  );
}
