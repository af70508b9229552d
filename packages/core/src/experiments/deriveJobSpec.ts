import { TrainwireError } from '../errors.js';
import type { RpcPeer } from '../protocol/RpcPeer.js';
import type { Artifact } from '../schemas/Artifact.js';
import type { Experiment } from '../schemas/Experiment.js';
import type { JobSpecInput } from '../schemas/JobSpec.js';
import { Experiments } from './Experiments.js';

/** How a new job derives from an experiment: `continue` from its checkpoint, or `retry` it. */
export type Derivation =
  | {
      kind: 'continue';
      /** The experiment to continue. */
      from: string;
      /** Its checkpoint artifact to start from (by default its last checkpoint). */
      checkpointId?: string;
      /**
       * The child's config from the parent's and its trainer profile (e.g. more epochs);
       * `epochsDone` is how far the parent got (its newest checkpoint's epoch + 1), when known.
       */
      config?: (
        parent: Record<string, unknown>,
        profile: string,
        epochsDone: number | undefined,
      ) => Record<string, unknown>;
      name?: string;
    }
  | { kind: 'retry'; from: string; name?: string };

/**
 * The experiment and job spec of "continue EXP" or "retry EXP": makes the child
 * experiment on the worker (`experiment.continue` / `experiment.retry`), then builds the
 * job from the source's last job (profile, inputs, device) with the child's config, its
 * checkpoint as `resume`, and the child's id — so `job.start` runs the child (the source's
 * own job says the profile, which an experiment does not record). `trainwire train
 * --continue / --retry` and the widgets' Resume and Retry call it.
 *
 * @example
 * ```ts
 * const { experiment, spec } = await deriveJobSpec(manager.peerFor(), { kind: 'retry', from: 'exp-41' });
 * await manager.submit(spec);
 * ```
 */
export async function deriveJobSpec(
  peer: Pick<RpcPeer, 'request'>,
  derivation: Derivation,
  options: {
    /** A view's own client over the same worker, so its list shows the child at once. */
    experiments?: Experiments;
  } = {},
): Promise<{ experiment: Experiment; spec: JobSpecInput }> {
  const experiments = options.experiments ?? new Experiments(peer);
  const source = await experiments.get(derivation.from);
  const lastJob = source.jobIds.at(-1);
  if (lastJob === undefined)
    throw new TrainwireError(
      'experiment_state',
      `experiment ${source.experiment.name} (${derivation.from}) has never run, so there is nothing to ${derivation.kind}; start it with \`trainwire train\``,
      { details: { experimentId: derivation.from, status: source.experiment.status } },
    );
  const { spec: sourceSpec } = await peer.request('job.attach', { jobId: lastJob });
  const { name } = derivation;
  const experiment =
    derivation.kind === 'continue'
      ? await experiments.continueFrom(derivation.from, {
          ...(derivation.checkpointId === undefined
            ? {}
            : { checkpointId: derivation.checkpointId }),
          ...(derivation.config === undefined
            ? {}
            : {
                config: derivation.config(
                  source.experiment.config,
                  sourceSpec.profile,
                  epochsDoneOf(source.artifacts),
                ),
              }),
          ...(name === undefined ? {} : { name }),
        })
      : await experiments.retry(derivation.from, name === undefined ? {} : { name });
  const {
    resume: _resume,
    experimentId: _experimentId,
    parentExperiment: _parent,
    ...kept
  } = sourceSpec;
  return {
    experiment,
    spec: {
      ...kept,
      config: experiment.config,
      name: experiment.name,
      experimentId: experiment.id,
      parentExperiment: derivation.from,
      ...(experiment.checkpointSource === undefined ? {} : { resume: experiment.checkpointSource }),
    },
  };
}

/** How many epochs an experiment's checkpoints show done: the newest one's epoch + 1. */
function epochsDoneOf(artifacts: readonly Artifact[]): number | undefined {
  const epochs = artifacts.flatMap((a) =>
    a.kind === 'checkpoint' && a.epoch !== undefined ? [a.epoch] : [],
  );
  return epochs.length === 0 ? undefined : Math.max(...epochs) + 1;
}

/**
 * The total epochs of a continued run, `more` epochs from where the parent got: a parent
 * that stopped short of its `total` (`epochsDone` < total, e.g. stopped early) is by
 * default finished — the total stays; one that reached it trains as many again. What
 * Resume in the widgets means.
 *
 * @example
 * ```ts
 * continuedTotalEpochs(10, 4); // 10: finish the 6 left
 * continuedTotalEpochs(10, 4, 3); // 7
 * continuedTotalEpochs(10, 10); // 20
 * continuedTotalEpochs(10, 10, 5); // 15
 * ```
 */
export function continuedTotalEpochs(
  total: number,
  epochsDone: number | undefined,
  more?: number,
): number {
  const done = epochsDone ?? total;
  if (more !== undefined) return done + more;
  return done < total ? total : total + total;
}
