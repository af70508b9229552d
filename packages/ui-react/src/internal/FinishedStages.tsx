import { describeStage, epochLine, type StageResult } from '@trainwire/core';
import { epochLabel } from './describeLink.js';
import { formatMetric } from './format.js';

/** "Stage 1/2: centroid — Epoch 50/50 · Train loss 0.0310 · Val loss 0.0290". */
export function describeFinishedStage(result: StageResult): string {
  const line = epochLine({ progress: result.progress, eta: null, startedTs: null, lastEventTs: 0 });
  return `${describeStage(result.stage)} — ${epochLabel({ epoch: result.progress.completedEpochs, totalEpochs: line.totalEpochs })} · Train loss ${formatMetric(line.trainLoss)} · Val loss ${formatMetric(line.valLoss)}`;
}

/** A pipeline's finished stages (core's `snapshot.stages`), each with its final losses. */
export function FinishedStages({ stages }: { stages: readonly StageResult[] }) {
  if (stages.length === 0) return null;
  return (
    <section className="tw-stages" aria-label="Finished stages">
      <h3>Finished stages</h3>
      <ol>
        {stages.map((result) => (
          <li key={result.stage.index}>{describeFinishedStage(result)}</li>
        ))}
      </ol>
    </section>
  );
}
