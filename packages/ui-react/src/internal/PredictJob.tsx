import type {
  Artifact,
  ArtifactExporters,
  DownloadTarget,
  JobSession,
  RpcPeer,
} from '@trainwire/core';
import { LiveJob } from './LiveJob.js';
import { PredictionsExport } from './PredictionsExport.js';

/**
 * The predict dialog's job: its items, rate and time left (with Stop, which keeps the
 * predictions made so far) while it runs, how it ended, then its predictions offered
 * through the exporters.
 */
export function PredictJob({
  session,
  final,
  predictions,
  peer,
  exporters,
  downloadTarget,
}: {
  session: JobSession;
  final: boolean;
  predictions: Artifact | undefined;
  peer: RpcPeer;
  exporters: ArtifactExporters;
  downloadTarget: ((artifact: Artifact) => DownloadTarget) | undefined;
}) {
  return (
    <>
      <LiveJob session={session} />
      {final && predictions !== undefined ? (
        <PredictionsExport
          session={session}
          artifact={predictions}
          peer={peer}
          exporters={exporters}
          downloadTarget={downloadTarget}
        />
      ) : null}
      {final && predictions === undefined ? (
        <p className="tw-run-reason">
          No predictions to offer: the job ended without writing them. Start it again once what it
          says above is fixed.
        </p>
      ) : null}
    </>
  );
}
