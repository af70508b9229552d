import type { Artifact, Experiment, Experiments } from '@trainwire/core';
import { baseName } from '@trainwire/core';
import { useId } from 'react';
import { CopyButton } from './CopyButton.js';
import { formatBytes } from './format.js';
import { useAsyncValue } from './useAsyncValue.js';

interface Row {
  artifact: Artifact;
  experiment: Experiment;
}

/**
 * The newest artifacts of the newest experiments (`experiment.get` of each): what it is,
 * its file on the worker (with Copy path), size, epoch and the experiment it came from.
 */
export function LatestArtifacts({
  experiments,
  recent,
  limit = 5,
}: {
  experiments: Pick<Experiments, 'get'>;
  /** Newest first; the artifacts of the first three are read. */
  recent: readonly Experiment[];
  limit?: number;
}) {
  const titleId = useId();
  const read = recent.slice(0, 3);
  const key = read.map((e) => `${e.id}@${e.updatedAt}:${e.status}`).join(',');
  const rows = useAsyncValue<Row[]>(
    async () => {
      const answers = await Promise.all(read.map((e) => experiments.get(e.id)));
      // An experiment lists its artifacts oldest first: newest first here.
      return answers
        .flatMap(({ experiment, artifacts }) =>
          [...artifacts].reverse().map((artifact) => ({ artifact, experiment })),
        )
        .slice(0, limit);
    },
    key,
    (words) => `Could not read the latest artifacts: ${words}`,
  );
  const list = rows.value ?? [];
  return (
    <section className="tw-latest-artifacts" aria-labelledby={titleId}>
      <h3 id={titleId}>Latest Artifacts</h3>
      {list.length === 0 ? (
        <p>{rows.status === 'loading' ? 'Reading the artifacts…' : 'No artifacts yet.'}</p>
      ) : (
        <ul>
          {list.map(({ artifact, experiment }) => (
            <li key={artifact.id}>
              <span className="tw-artifact-kind">{artifact.kind}</span>{' '}
              <code title={artifact.path}>{baseName(artifact.path)}</code> ·{' '}
              {formatBytes(artifact.size)}
              {artifact.epoch === undefined ? '' : ` · epoch ${artifact.epoch}`} · from{' '}
              {experiment.name}{' '}
              <CopyButton
                text={artifact.path}
                label="Copy path"
                accessibleLabel={`Copy the path of ${baseName(artifact.path)} from ${experiment.name}`}
              />
            </li>
          ))}
        </ul>
      )}
      {rows.error === null ? null : <p role="alert">{rows.error}</p>}
    </section>
  );
}
