import {
  type Artifact,
  type ArtifactExporters,
  baseName,
  type DownloadTarget,
  fetchPredictions,
  type JobSession,
  type RpcPeer,
} from '@trainwire/core';
import { useEffect, useState } from 'react';
import { CopyButton } from './CopyButton.js';
import { formatBytes } from './format.js';
import { memoryDownloadTarget } from './memoryDownloadTarget.js';
import { wordsOf } from './names.js';

export interface PredictionsExportProps {
  session: Pick<JobSession, 'done'>;
  /** The finished job's predictions artifact. */
  artifact: Artifact;
  /** The connection to its worker (downloads open a byte stream on it). */
  peer: RpcPeer;
  exporters: ArtifactExporters;
  /** Where Download writes; the page's memory (then a Save link) otherwise. */
  downloadTarget?: ((artifact: Artifact) => DownloadTarget) | undefined;
}

type Outcome = { exporter: string; text: string; failed: boolean };

/**
 * A predict job's predictions, offered through the host's exporters: Download (core's
 * `fetchPredictions`: resumable, size and SHA-256 checked, then checked against the hash
 * the worker registered), Copy path, and each exporter the host registered.
 */
export function PredictionsExport({
  session,
  artifact,
  peer,
  exporters,
  downloadTarget,
}: PredictionsExportProps) {
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const name = baseName(artifact.path);
  useEffect(() => () => void (saved === null ? undefined : URL.revokeObjectURL(saved)), [saved]);
  const run = (exporter: string, work: () => Promise<string>) => {
    setBusy(exporter);
    setOutcome(null);
    work()
      .then((text) => setOutcome({ exporter, text, failed: false }))
      .catch((error: unknown) =>
        setOutcome({
          exporter,
          text: `Could not ${exporter} ${name}: ${wordsOf(error)}`,
          failed: true,
        }),
      )
      .finally(() => setBusy(null));
  };
  const download = () =>
    run('download', async () => {
      const memory = downloadTarget === undefined ? memoryDownloadTarget() : undefined;
      const target = downloadTarget?.(artifact) ?? memory!.target;
      const fetched = await fetchPredictions(session, peer, target, { name });
      const bytes = memory?.file();
      if (bytes !== undefined) {
        const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/x-ndjson' });
        setSaved(URL.createObjectURL(blob));
      }
      const how = fetched.skipped ? 'already here' : `${formatBytes(artifact.size)}`;
      return `Downloaded ${name} (${how}), SHA-256 verified${fetched.partial ? '; stopped early, so only the items done by then' : ''}.`;
    });
  const others = exporters.names().filter((n) => n !== 'download' && n !== 'copy-path');
  return (
    <section className="tw-predictions" aria-label="Predictions">
      <h3>Predictions</h3>
      <p>
        <code title={artifact.path}>{name}</code> · {formatBytes(artifact.size)} on the worker
        {artifact.sha256 === undefined ? '' : ` · SHA-256 ${artifact.sha256.slice(0, 12)}…`}
      </p>
      <div className="tw-toolbar">
        {exporters.names().includes('download') ? (
          <button
            type="button"
            aria-label={`Download ${name}`}
            disabled={busy !== null}
            onClick={download}
          >
            {busy === 'download' ? 'Downloading…' : 'Download'}
          </button>
        ) : null}
        {exporters.names().includes('copy-path') ? (
          <CopyButton
            text={artifact.path}
            label="Copy path"
            accessibleLabel={`Copy the path of ${name}`}
          />
        ) : null}
        {others.map((exporter) => (
          <button
            key={exporter}
            type="button"
            disabled={busy !== null}
            title={exporters.get(exporter).description}
            onClick={() =>
              run(exporter, async () => {
                const done = await exporters.get(exporter).export(artifact, { peer });
                return done.message;
              })
            }
          >
            {exporter}
          </button>
        ))}
      </div>
      <p role="status" className="tw-export-outcome">
        {outcome === null || outcome.failed ? '' : outcome.text}
      </p>
      {outcome?.failed === true ? <p role="alert">{outcome.text}</p> : null}
      {saved === null ? null : (
        <p>
          <a href={saved} download={name}>
            Save {name}
          </a>
        </p>
      )}
    </section>
  );
}
