import type { ConfigIssue, JobSnapshot } from '@trainwire/core';
import { useId, useState } from 'react';
import { configIssuesOf } from './internal/configIssues.js';
import { Dialog } from './internal/Dialog.js';
import { type JobStore, useJob } from './useJob.js';

/** Props of {@link ConfigValidationDialog}: the issues of a session, or issues as such. */
export interface ConfigValidationDialogProps {
  /** A job refused for its config (`config_invalid`), or one that runs with warnings. */
  session?: JobStore;
  /** Issues to show instead of a session's (a report from `validateWithProfile`). */
  issues?: readonly ConfigIssue[];
  /** OK (errors), Cancel, Escape. */
  onClose?: () => void;
  /** Continue once the user acknowledged the warnings (offered only without errors). */
  onContinue?: () => void;
  /** The hint under the list. */
  tip?: string;
}

const NONE: readonly ConfigIssue[] = [];
const selectIssues = (s: JobSnapshot) => configIssuesOf(s);

/**
 * The config's problems before anything is sent: ✗ errors, which block the job (only OK),
 * and ⚠ warnings, which the user can acknowledge and continue past. Each line names the
 * field's path. Renders nothing when there are no issues.
 *
 * @example
 * ```tsx
 * <ConfigValidationDialog session={session} onClose={close} />
 * ```
 */
export function ConfigValidationDialog(props: ConfigValidationDialogProps) {
  if (props.session !== undefined && props.issues === undefined)
    return <SessionIssues {...props} session={props.session} />;
  return <IssuesDialog {...props} issues={props.issues ?? NONE} />;
}

function SessionIssues(props: ConfigValidationDialogProps & { session: JobStore }) {
  const issues = useJob(props.session, selectIssues);
  return <IssuesDialog {...props} issues={issues} />;
}

function IssuesDialog({
  issues,
  onClose,
  onContinue,
  tip = 'Tip: fix the fields named above in the training configuration, then run again.',
}: ConfigValidationDialogProps & { issues: readonly ConfigIssue[] }) {
  const [acknowledged, setAcknowledged] = useState(false);
  const ackId = useId();
  if (issues.length === 0) return null;
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');
  const blocked = errors.length > 0;
  return (
    <Dialog
      role={blocked ? 'alertdialog' : 'dialog'}
      title={blocked ? 'Configuration Validation Failed' : 'Configuration Warnings'}
      onClose={onClose}
      actions={
        blocked ? (
          <button type="button" onClick={onClose}>
            OK
          </button>
        ) : (
          <>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="button" disabled={!acknowledged} onClick={onContinue}>
              Continue
            </button>
          </>
        )
      }
    >
      <p>
        {blocked
          ? 'The training configuration has errors that must be fixed:'
          : 'The training configuration has warnings:'}
      </p>
      <ul className="tw-issues">
        {[...errors, ...warnings].map((issue) => (
          <li
            key={`${issue.severity}:${issue.path}:${issue.code}`}
            className={`tw-${issue.severity}`}
          >
            <span role="img" aria-label={issue.severity === 'error' ? 'Error' : 'Warning'}>
              {issue.severity === 'error' ? '✗' : '⚠'}
            </span>{' '}
            <code>{issue.path}</code>: {issue.message}
          </li>
        ))}
      </ul>
      <p>{tip}</p>
      {blocked ? null : (
        <p>
          <input
            id={ackId}
            type="checkbox"
            checked={acknowledged}
            onChange={(event) => setAcknowledged(event.target.checked)}
          />{' '}
          <label htmlFor={ackId}>I have read the warnings; run anyway</label>
        </p>
      )}
    </Dialog>
  );
}
