import type { Readiness } from './useReadiness.js';

/**
 * What the worker is ready for, in one line, with the per-profile check log behind
 * "Check log" and "Check again" (`worker.readiness` with `refresh`).
 */
export function ReadinessStatus({ readiness }: { readiness: Readiness }) {
  const { readiness: answer, view, status } = readiness;
  if (status === 'unsupported')
    return (
      <p className="tw-readiness">
        This worker does not say whether it is ready; nothing is checked.
      </p>
    );
  const ready = answer?.profiles.filter((p) => p.ready).map((p) => p.profile) ?? [];
  const line =
    answer === undefined || view === undefined
      ? status === 'failed'
        ? ''
        : 'Checking whether the worker is ready…'
      : view.ready
        ? `Ready to train (${ready.join(', ')}). ${view.gpu}.`
        : `Not ready to train: ${answer.profiles
            .filter((p) => !p.ready)
            .map((p) => `${p.profile}: ${p.reason ?? 'it is not ready'}`)
            .join('; ')}. Open the check log to see what was found.`;
  return (
    <div className="tw-readiness">
      <p>{line}</p>
      {readiness.error === null ? null : <p role="alert">{readiness.error}</p>}
      {answer === undefined ? null : (
        <details className="tw-readiness-log">
          <summary>Check log</summary>
          {answer.profiles.map((p) => (
            <div key={p.profile}>
              <h4>
                {p.profile}: {p.ready ? 'ready' : `not ready — ${p.reason ?? 'no reason given'}`}
              </h4>
              <pre>{p.log.join('\n')}</pre>
            </div>
          ))}
        </details>
      )}
      <button type="button" onClick={readiness.checkAgain} disabled={status === 'loading'}>
        Check again
      </button>
    </div>
  );
}
