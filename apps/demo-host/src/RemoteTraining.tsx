import 'uplot/dist/uPlot.min.css';
import type { JobSession, JobSpecInput, WorkerEntry } from '@trainwire/core';
import { detailsOf, resolvedInputs } from '@trainwire/core';
import {
  ConfigValidationDialog,
  PathResolutionDialog,
  RemoteTrainingPanel,
  TrainingFailedDialog,
  TrainingMonitor,
  TrainwireProvider,
  useJob,
} from '@trainwire/ui-react';
import { useEffect, useState } from 'react';
import { createRoomClient, type RoomClient } from './createRoomClient.js';
import type { RoomQuery } from './roomFromQuery.js';

/** The built-in trainer's quick job (the CLI's `--preset quick`), `epochs` long. */
function demoSpec(epochs: number): JobSpecInput {
  return {
    profile: 'builtin',
    name: 'demo-host quick run',
    config: {
      epochs,
      batchSize: 64,
      learningRate: 0.01,
      hiddenLayers: [32, 32],
      dataset: { synthetic: { samples: 2000, features: 2, classes: 3, noise: 0.1 } },
    },
  };
}

/** A job's view: the monitor, and the dialog its outcome calls for. */
function JobView({
  session,
  onResubmit,
}: {
  session: JobSession;
  onResubmit: (inputs: Record<string, string>) => void;
}) {
  const failure = useJob(session, (s) => (s.state === 'failed' ? s.error : null));
  const [closed, setClosed] = useState(false);
  if (failure?.code === 'config_invalid' && !closed)
    return <ConfigValidationDialog session={session} onClose={() => setClosed(true)} />;
  const missing = detailsOf(failure, 'paths_missing');
  if (missing !== undefined && !closed)
    return (
      <PathResolutionDialog
        resolution={missing.resolution}
        onContinue={(resolution) => onResubmit(resolvedInputs(resolution))}
        onCancel={() => setClosed(true)}
      />
    );
  return (
    <>
      <TrainingMonitor session={session} />
      {closed ? null : <TrainingFailedDialog session={session} onClose={() => setClosed(true)} />}
    </>
  );
}

function Training({ client, query }: { client: RoomClient; query: RoomQuery }) {
  const [job, setJob] = useState<{ session: JobSession; worker: WorkerEntry } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const run = async (worker: WorkerEntry, inputs?: Record<string, string>) => {
    setProblem(null);
    try {
      const transport = await client.connect(worker);
      const spec = demoSpec(query.epochs);
      const session = client.manager.submit(inputs === undefined ? spec : { ...spec, inputs }, {
        transport,
      });
      setJob({ session, worker });
    } catch (error) {
      setProblem(
        `Could not start on ${worker.name}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  return (
    <>
      <RemoteTrainingPanel
        onRun={({ worker }) => void run(worker)}
        setup={{ url: query.signal, room: query.room }}
      />
      {problem === null ? null : (
        <p role="alert" className="demo-problem">
          {problem}
        </p>
      )}
      {job === null ? null : (
        <JobView
          key={job.session.jobId}
          session={job.session}
          onResubmit={(inputs) => void run(job.worker, inputs)}
        />
      )}
    </>
  );
}

/**
 * The page's remote-training section (loaded only while the flag is on): the room from the
 * page's query, the panel over it, and the job Run started.
 */
export default function RemoteTraining({ query }: { query: RoomQuery }) {
  const [client, setClient] = useState<RoomClient | null>(null);
  useEffect(() => {
    const created = createRoomClient(query);
    setClient(created);
    return () => void created.dispose();
  }, [query]);
  if (client === null) return null;
  return (
    <TrainwireProvider manager={client.manager} directory={client.directory}>
      <Training client={client} query={query} />
    </TrainwireProvider>
  );
}
