import 'uplot/dist/uPlot.min.css';
import type { ConnectionStatus, JobSession, JobSpecInput, WorkerEntry } from '@trainwire/core';
import { parseConfigText } from '@trainwire/core';
import {
  Dashboard,
  ExperimentsTable,
  ModelsPanel,
  type PreparedRun,
  RemoteTrainingPanel,
  TrainingFailedDialog,
  TrainingMonitor,
  TrainwireProvider,
  useJob,
  useSubmitFlow,
  useWorkers,
  type WorkerChoice,
} from '@trainwire/ui-react';
import { type JSX, useEffect, useRef, useState } from 'react';
import { createRoomClient, type RoomClient } from './createRoomClient.js';
import { defaultJobForm, JobForm, type JobFormValues } from './JobForm.js';
import { loadLastJob, saveLastJob } from './lastJob.js';
import { ModelInUse } from './ModelInUse.js';
import { NotificationsButton } from './NotificationsButton.js';
import type { RoomQuery } from './roomFromQuery.js';
import { useRoomWorkers } from './useRoomWorkers.js';
import { useWorkerRegistry, type WorkerRegistry } from './useWorkerRegistry.js';
import { WorkspaceTabs } from './WorkspaceTabs.js';
import { whyNotConnected } from './whyNotConnected.js';

const CPU_ONLY_KEY = 'trainwire-demo-host.cpuOnly';

interface Job {
  session: JobSession;
  worker: WorkerEntry;
}

/** A job's view: the monitor, and the failure dialog when it failed. */
function JobView({ job }: { job: Job }) {
  const { session, worker } = job;
  const started = useJob(session, (s) => s.lastSeq > 0);
  const [closed, setClosed] = useState(false);
  // Once the worker has the job, a reload of the page re-attaches to it.
  useEffect(() => {
    if (started) saveLastJob({ jobId: session.jobId, workerId: worker.id });
  }, [started, session, worker]);
  return (
    <>
      <TrainingMonitor session={session} notifications />
      {closed ? null : <TrainingFailedDialog session={session} onClose={() => setClosed(true)} />}
    </>
  );
}

function Training({ client, query }: { client: RoomClient; query: RoomQuery }) {
  const [form, setForm] = useState<JobFormValues>(() => defaultJobForm(query.epochs));
  // Run submits through core's SubmitFlow (the CLI's `train` loop); the panel shows its dialogs.
  const submission = useSubmitFlow();
  const [submitted, setSubmitted] = useState<Job | null>(null);
  const [reattached, setReattached] = useState<Job | null>(null);
  const [link, setLink] = useState<ConnectionStatus | undefined>(undefined);
  const [problem, setProblem] = useState<string | null>(null);
  const { workers, status } = useWorkers();
  const reattaching = useRef(false);
  const { registry, problem: unreachable } = useWorkerRegistry(client, query);
  // Every worker of the room, for the lists that merge their rows (with two or more).
  const roomWorkers = useRoomWorkers(client);
  const [cpuOnly, setCpuOnly] = useState(() => localStorage.getItem(CPU_ONLY_KEY) === '1');

  // After a reload: the job the page started last, followed again from its first event.
  useEffect(() => {
    const last = loadLastJob();
    const worker = workers.find((w) => w.id === last?.workerId);
    if (reattaching.current || last === null || worker === undefined) return;
    reattaching.current = true;
    void (async () => {
      try {
        const { transport, status } = await client.connect(worker);
        const session = await client.manager.attach(last.jobId, transport);
        setLink(status);
        setReattached({ session, worker });
      } catch (error) {
        setProblem(`Could not follow job ${last.jobId} again: ${whyNotConnected(query, error)}`);
      }
    })();
  }, [workers, client, query]);

  const prepare = async ({ worker }: WorkerChoice): Promise<PreparedRun> => {
    setProblem(null);
    const config = parseConfigText(form.config, 'the config');
    const dataset = form.dataset.trim();
    const opened = await client.connect(worker).catch((error: unknown) => {
      throw new Error(`Could not start on ${worker.name}: ${whyNotConnected(query, error)}`);
    });
    setLink(opened.status);
    const profile = form.profile.trim() || 'builtin';
    // A pipeline's config holds its stages, as the file `--profile pipeline --config` reads.
    const spec: JobSpecInput =
      profile === 'pipeline'
        ? {
            profile,
            name: 'demo-host pipeline',
            stages: (config as { stages?: JobSpecInput['stages'] }).stages ?? [],
          }
        : {
            profile,
            name: 'demo-host run',
            config,
            ...(dataset === '' ? {} : { inputs: { dataset } }),
          };
    return { spec, transport: opened.transport };
  };
  // The flow's job once the worker has it (a refused one shows its dialog instead); before
  // any Run, the job re-attached after a reload.
  const phase = submission.snapshot?.phase;
  const job =
    submission.flow === null
      ? reattached
      : phase === 'started' && submitted?.session === submission.snapshot?.session
        ? submitted
        : null;
  const training = (
    <>
      <JobForm values={form} onChange={setForm} epochs={query.epochs} />
      <RemoteTrainingPanel
        submission={submission}
        prepare={prepare}
        onSession={(session, { worker }) => setSubmitted({ session, worker })}
        {...(link === undefined ? {} : { connection: link })}
        setup={{ url: query.signal, room: query.room }}
      />
      <NotificationsButton />
      {problem === null ? null : (
        <p role="alert" className="demo-problem">
          {problem}
        </p>
      )}
      {job === null ? null : <JobView key={job.session.jobId} job={job} />}
    </>
  );
  // Until the room's worker is reached, the workflow's tabs say why they are empty.
  const waiting =
    unreachable ??
    (status === 'ready' && workers.length === 0
      ? 'No worker is online in this room yet; the Training tab says how to start one.'
      : 'Connecting to the room’s worker…');
  const on = (view: (registry: WorkerRegistry) => JSX.Element) =>
    registry === null ? <p className="demo-note">{waiting}</p> : view(registry);
  return (
    <>
      {registry === null ? null : <ModelInUse models={registry.models} />}
      <label className="demo-cpu-only">
        <input
          type="checkbox"
          checked={cpuOnly}
          onChange={(event) => {
            setCpuOnly(event.target.checked);
            localStorage.setItem(CPU_ONLY_KEY, event.target.checked ? '1' : '0');
          }}
        />{' '}
        Train on the CPU only (the New model wizard then offers no GPU)
      </label>
      <WorkspaceTabs
        label="Training workspace"
        tabs={[
          {
            id: 'dashboard',
            label: 'Dashboard',
            content: on((r) => (
              <Dashboard
                experiments={r.experiments}
                peer={r.peer}
                models={r.models}
                transport={r.transport}
                cpuOnly={cpuOnly}
              />
            )),
          },
          { id: 'training', label: 'Training', content: training },
          {
            id: 'experiments',
            label: 'Experiments',
            content: on((r) => (
              <ExperimentsTable
                experiments={r.table}
                transport={r.transport}
                workers={roomWorkers}
              />
            )),
          },
          {
            id: 'models',
            label: 'Models',
            content: on((r) => (
              <ModelsPanel
                models={r.models}
                experiments={r.table}
                peer={r.peer}
                transport={r.transport}
                cpuOnly={cpuOnly}
                workers={roomWorkers}
              />
            )),
          },
        ]}
      />
    </>
  );
}

/**
 * The page's remote-training section (loaded only while the flag is on): the room from the
 * page's query, the host's own training form, the panel over the room, and the job Run
 * started (or, after a reload, the job started before).
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
