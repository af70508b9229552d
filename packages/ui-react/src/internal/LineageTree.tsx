import type { ExperimentLineage, Experiments } from '@trainwire/core';
import { baseName } from '@trainwire/core';
import { useId } from 'react';
import { useAsyncValue } from './useAsyncValue.js';

// How a node derives from its parent, in words; a relation this view does not know reads as itself.
const RELATION: Readonly<Record<string, string>> = {
  continue: 'continued',
  retry: 'retry',
  'fine-tune': 'fine-tuned',
};

function Node({
  id,
  lineage,
  selected,
}: {
  id: string;
  lineage: ExperimentLineage;
  selected: string;
}) {
  const node = lineage.nodes.find((n) => n.id === id);
  if (node === undefined) return null;
  const children = lineage.children.get(id) ?? [];
  const from =
    node.relation === 'continue' && node.checkpointSource !== undefined
      ? ` from ${baseName(node.checkpointSource)}`
      : '';
  return (
    <li aria-current={id === selected ? 'true' : undefined}>
      <span className="tw-lineage-node">
        <strong>{node.name}</strong> · {node.status}
        {node.relation === undefined ? '' : ` · ${RELATION[node.relation] ?? node.relation}${from}`}
        {id === selected ? ' (this one)' : ''}
      </span>
      {children.length === 0 ? null : (
        <ul>
          {children.map((child) => (
            <Node key={child} id={child} lineage={lineage} selected={selected} />
          ))}
        </ul>
      )}
    </li>
  );
}

/**
 * The lineage tree `experimentId` belongs to (`experiment.lineage`), as nested lists from
 * its root: each experiment under the one it continued or retried, the chosen one marked.
 */
export function LineageTree({
  experiments,
  experimentId,
  version,
  onClose,
}: {
  experiments: Pick<Experiments, 'lineage'>;
  experimentId: string;
  /** Changes when the tree may have grown (a child was made): it is read again. */
  version: string;
  onClose: () => void;
}) {
  const titleId = useId();
  const tree = useAsyncValue(
    () => experiments.lineage(experimentId),
    `${experimentId}:${version}`,
    (words) => `Could not read the lineage: ${words}`,
  );
  const lineage = tree.value;
  const name = lineage?.nodes.find((n) => n.id === experimentId)?.name ?? experimentId;
  return (
    <section className="tw-lineage" aria-labelledby={titleId}>
      <h3 id={titleId}>Lineage of {name}</h3>
      {lineage === undefined ? (
        <p>{tree.status === 'loading' ? 'Reading the lineage…' : ''}</p>
      ) : (
        <ul className="tw-lineage-tree">
          <Node id={lineage.rootId} lineage={lineage} selected={experimentId} />
        </ul>
      )}
      {tree.error === null ? null : <p role="alert">{tree.error}</p>}
      <button type="button" onClick={onClose}>
        Close lineage
      </button>
    </section>
  );
}
