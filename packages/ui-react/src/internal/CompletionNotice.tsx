import { describeOutcome, type JobSnapshot, predictionsOf } from '@trainwire/core';
import { useEffect } from 'react';
import { describeEnd } from './describeEnd.js';
import { notify } from './notify.js';

/**
 * The notice a finished job leaves in the monitor (`role="status"`, so it is announced),
 * with the checkpoint and models it left on the worker; a system notification as well
 * when `notifications` is on and the user allowed them. `final` is null while the job runs.
 */
export function CompletionNotice({
  final,
  notifications,
}: {
  final: JobSnapshot | null;
  notifications: boolean;
}) {
  const notice = final === null ? null : describeEnd(final);
  const outcome = final === null ? null : describeOutcome(final);
  const worker = final?.connection.worker;
  const predictions = final === null ? undefined : predictionsOf(final);
  const text = notice === null ? '' : `${notice.headline}. ${notice.sentence}`;
  useEffect(() => {
    if (notifications && text !== '') notify(text);
  }, [notifications, text]);
  return (
    <div role="status" className="tw-completion">
      {notice === null || outcome === null ? null : (
        <>
          <p className={`tw-completion-${notice.kind}`}>
            <strong>{notice.headline}</strong>. {notice.sentence}
          </p>
          {outcome.lastCheckpoint === undefined ? null : (
            <p>
              Checkpoint on worker {worker}: <code>{outcome.lastCheckpoint}</code>
            </p>
          )}
          {predictions === undefined ? null : (
            <p>
              Predictions on worker {worker}: <code>{predictions.path}</code>
            </p>
          )}
          {outcome.models.map((model) => (
            <p key={model.path}>
              Model on worker {worker}: <code>{model.path}</code>
            </p>
          ))}
        </>
      )}
    </div>
  );
}
