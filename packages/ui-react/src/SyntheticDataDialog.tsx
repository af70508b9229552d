import {
  type Artifact,
  baseName,
  detailsOf,
  isFinalJobState,
  isTrainwireError,
  type JobSession,
  newJobId,
  type RpcPeer,
  type Transport,
} from '@trainwire/core';
import { useEffect, useId, useState } from 'react';
import { Dialog } from './internal/Dialog.js';
import { describeEnd } from './internal/describeEnd.js';
import { formatBytes } from './internal/format.js';
import { JobProgress } from './internal/JobProgress.js';
import { datasetNameOf, wordsOf } from './internal/names.js';
import { useJobStates } from './internal/useJobStates.js';
import { useReadiness } from './internal/useReadiness.js';
import { useJob } from './useJob.js';
import { useJobManager } from './useJobManager.js';
import { useJobs } from './useJobs.js';

/** Props of {@link SyntheticDataDialog}. */
export interface SyntheticDataDialogProps {
  /** The worker's RPC connection (`dataset.generate`, `artifact.list`, `worker.readiness`). */
  peer: Pick<RpcPeer, 'request'>;
  /** The same worker's link, on which the manager follows the job; its default one otherwise. */
  transport?: Transport;
  /** Each generation job's session once the worker has it. */
  onSession?: (session: JobSession) => void;
  /** The dataset once written (its artifact on the worker). */
  onGenerated?: (dataset: Artifact) => void;
  onClose: () => void;
}

type Step =
  | { kind: 'form' }
  | { kind: 'sending' }
  | { kind: 'exists'; name: string; path: string }
  | { kind: 'running'; session: JobSession };

/** The generation job: its progress, then the dataset it wrote (`artifact.list` of its experiment). */
function Generation({
  session,
  peer,
  onGenerated,
}: {
  session: JobSession;
  peer: SyntheticDataDialogProps['peer'];
  onGenerated: ((dataset: Artifact) => void) | undefined;
}) {
  const snapshot = useJob(session);
  const [dataset, setDataset] = useState<Artifact | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const completed = snapshot.state === 'completed';
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the job completed.
  useEffect(() => {
    if (!completed) return;
    peer
      .request('artifact.list', { experimentId: session.jobId, kind: 'dataset', limit: 1 })
      .then(({ artifacts }) => {
        const found = artifacts[0];
        if (found === undefined) {
          setProblem('The job completed, but the worker lists no dataset from it.');
          return;
        }
        setDataset(found);
        onGenerated?.(found);
      })
      .catch((error: unknown) => setProblem(`Could not find the dataset: ${wordsOf(error)}`));
  }, [completed]);
  const end = isFinalJobState(snapshot.state) && !completed ? describeEnd(snapshot) : null;
  return (
    <section className="tw-generation" aria-label="Generation">
      <JobProgress title={snapshot.spec.name ?? session.jobId} progress={snapshot.progress} />
      <p role="status">
        {dataset !== null
          ? `Dataset written: ${baseName(dataset.path)} (${formatBytes(dataset.size)}) on the worker.`
          : completed
            ? 'Generated; looking for the file…'
            : end === null
              ? `Generating on ${snapshot.connection.worker}…`
              : `${end.headline}. ${end.sentence}`}
      </p>
      {dataset === null ? null : (
        <p>
          Path on the worker: <code>{dataset.path}</code>
          {dataset.sha256 === undefined ? '' : ` · SHA-256 ${dataset.sha256.slice(0, 12)}…`}. Train
          on it by choosing it as the dataset of a new model or a fine-tune.
        </p>
      )}
      {problem === null ? null : <p role="alert">{problem}</p>}
    </section>
  );
}

/**
 * "Generate synthetic data": samples, diversity (0 keeps the classes apart, 1 overlaps them),
 * seed and a name (written as a dataset name takes it, shown while typing). Generate starts a
 * job of its own (`dataset.generate`), whose progress shows here and whose file — a `dataset`
 * artifact on the worker — is named once written. A name the worker already has
 * (`dataset_exists`) asks before replacing it, then sends again with `overwrite`.
 *
 * @example
 * ```tsx
 * <SyntheticDataDialog peer={manager.peerFor(transport)} transport={transport} onClose={close} />
 * ```
 */
export function SyntheticDataDialog(props: SyntheticDataDialogProps) {
  const { peer, transport, onClose } = props;
  const manager = useJobManager();
  const readiness = useReadiness(peer);
  const ids = { samples: useId(), diversity: useId(), seed: useId(), name: useId(), hint: useId() };
  const [samples, setSamples] = useState('1000');
  const [diversity, setDiversity] = useState(0.1);
  const [seed, setSeed] = useState('7');
  const [typed, setTyped] = useState('spirals');
  const [step, setStep] = useState<Step>({ kind: 'form' });
  const [problem, setProblem] = useState<string | null>(null);
  const name = datasetNameOf(typed);
  const count = Number(samples);
  const seedValue = Number(seed);
  const states = useJobStates(useJobs((snapshot) => snapshot.jobs));
  const busy = step.kind !== 'running' && states.some((state) => !isFinalJobState(state));
  const why =
    (name === '' ? 'Give the dataset a name first.' : null) ??
    (!Number.isInteger(count) || count < 10 || count > 10_000_000
      ? 'Samples must be a whole number from 10 to 10 000 000.'
      : null) ??
    (!Number.isInteger(seedValue) ? 'The seed must be a whole number.' : null) ??
    readiness.why('generate-dataset') ??
    (busy ? 'A job is running on this worker; wait for it to end before generating.' : null);

  const generate = async (overwrite: boolean) => {
    setProblem(null);
    setStep({ kind: 'sending' });
    const jobId = newJobId();
    try {
      await peer.request('dataset.generate', {
        jobId,
        name,
        samples: count,
        diversity,
        seed: seedValue,
        ...(overwrite ? { overwrite: true } : {}),
      });
      const session = await manager.attach(jobId, transport);
      props.onSession?.(session);
      setStep({ kind: 'running', session });
    } catch (error) {
      const exists = isTrainwireError(error)
        ? detailsOf(
            { code: error.code, message: error.message, details: error.details },
            'dataset_exists',
          )
        : undefined;
      if (exists !== undefined) {
        setStep({ kind: 'exists', name: exists.name, path: exists.path });
        return;
      }
      setStep({ kind: 'form' });
      setProblem(`Could not generate the dataset: ${wordsOf(error)}`);
    }
  };

  if (step.kind === 'exists')
    return (
      <Dialog
        key="exists"
        title="Replace the dataset?"
        className="tw-synthetic-data tw-confirm"
        role="alertdialog"
        onClose={() => setStep({ kind: 'form' })}
        actions={
          <>
            <button type="button" onClick={() => setStep({ kind: 'form' })}>
              Keep it, pick another name
            </button>
            <button type="button" className="tw-primary" onClick={() => void generate(true)}>
              Replace it
            </button>
          </>
        }
      >
        <p>
          A dataset named {step.name} already exists on this worker (<code>{step.path}</code>).
          Replace it with the new samples? Models trained on it keep their weights, but the file
          will hold the new data.
        </p>
      </Dialog>
    );

  const running = step.kind === 'running';
  return (
    <Dialog
      key="form"
      title="Generate Synthetic Data"
      className="tw-synthetic-data"
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose}>
            {running ? 'Close' : 'Cancel'}
          </button>
          {running ? null : (
            <button
              type="button"
              className="tw-primary"
              disabled={why !== null || step.kind === 'sending'}
              onClick={() => void generate(false)}
            >
              Generate
            </button>
          )}
        </>
      }
    >
      <fieldset className="tw-field" disabled={running}>
        <legend>Dataset</legend>
        <label htmlFor={ids.samples}>Samples</label>{' '}
        <input
          id={ids.samples}
          type="number"
          min={10}
          max={10_000_000}
          step={1}
          value={samples}
          onChange={(event) => setSamples(event.target.value)}
        />{' '}
        <label htmlFor={ids.diversity}>Diversity</label>{' '}
        <input
          id={ids.diversity}
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={diversity}
          aria-valuetext={`${diversity.toFixed(2)}`}
          onChange={(event) => setDiversity(Number(event.target.value))}
        />{' '}
        <output htmlFor={ids.diversity}>{diversity.toFixed(2)}</output>{' '}
        <span className="tw-field-hint">(0 keeps the classes apart, 1 overlaps them)</span>{' '}
        <label htmlFor={ids.seed}>Seed</label>{' '}
        <input
          id={ids.seed}
          type="number"
          step={1}
          value={seed}
          onChange={(event) => setSeed(event.target.value)}
        />{' '}
        <label htmlFor={ids.name}>Name</label>{' '}
        <input
          id={ids.name}
          value={typed}
          aria-describedby={ids.hint}
          autoComplete="off"
          onChange={(event) => setTyped(event.target.value)}
        />
        <p id={ids.hint} className="tw-field-hint">
          {name === ''
            ? 'Letters, digits, ".", "_" and "-"; anything else becomes "-".'
            : `Saved as ${name}.csv in the worker's datasets folder`}
        </p>
      </fieldset>
      {why === null || running ? null : <p className="tw-run-reason">{why}</p>}
      {step.kind === 'sending' ? <p role="status">Asking the worker to generate {name}…</p> : null}
      {running ? (
        <Generation session={step.session} peer={peer} onGenerated={props.onGenerated} />
      ) : null}
      {problem === null ? null : <p role="alert">{problem}</p>}
    </Dialog>
  );
}
