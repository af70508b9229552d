/** A Slurm job as `squeue` (or `sacct`) reports it. */
export interface SlurmJobInfo {
  id: string;
  name: string;
  /** Slurm's job state: `PENDING`, `RUNNING`, `COMPLETED`, `TIMEOUT`, … */
  state: string;
  /** Why it pends, or how it ended: `Resources`, `Priority`, `TimeLimit`, … (`None`: no reason). */
  reason: string;
  /** The nodes it runs (or ran) on; empty while it pends. */
  nodes: string;
  /** Its batch script's exit code, or the signal that ended it. */
  exit: { code: number | null; signal: number | null };
  /** Its time limit as Slurm writes it (`1:00:00`, `UNLIMITED`). */
  timeLimit: string;
}

/** Where a Slurm job stands for the worker. */
export type SlurmPhase = 'queued' | 'running' | 'ended';

/** The `squeue --Format` fields the worker reads, in order; `|` ends each one. */
export const SQUEUE_FORMAT = [
  'JobID',
  'Name',
  'State',
  'Reason',
  'exit_code',
  'NodeList',
  'TimeLimit',
]
  .map((field) => `${field}:|`)
  .join(',');

/** The `sacct --format` fields, in the same order. */
export const SACCT_FORMAT = 'JobID,JobName,State,Reason,ExitCode,NodeList,Timelimit';

/**
 * Reads `|`-separated lines of the fields in {@link SQUEUE_FORMAT} order; `exit` reads the
 * exit field (squeue and sacct write it differently), `state` the state field.
 */
function parseLines(
  stdout: string,
  exit: (field: string) => SlurmJobInfo['exit'],
  state: (field: string) => string,
): Map<string, SlurmJobInfo> {
  const jobs = new Map<string, SlurmJobInfo>();
  for (const line of stdout.split('\n')) {
    const fields = line.split('|').map((f) => f.trim());
    if (fields.length < 7 || fields[0] === '') continue;
    const [id = '', name = '', status = '', reason = '', code = '', nodes = '', timeLimit = ''] =
      fields;
    jobs.set(id, {
      id,
      name,
      state: state(status),
      reason,
      nodes: nodes === 'None assigned' ? '' : nodes,
      timeLimit,
      exit: exit(code),
    });
  }
  return jobs;
}

/** Parses `squeue --noheader --Format=SQUEUE_FORMAT`; its exit_code is a raw wait status. */
export function parseSqueue(stdout: string): Map<string, SlurmJobInfo> {
  return parseLines(
    stdout,
    (field) => {
      const raw = Number.parseInt(field, 10);
      if (!Number.isInteger(raw)) return { code: null, signal: null };
      const signal = raw & 0x7f;
      return signal ? { code: null, signal } : { code: (raw >> 8) & 0xff, signal: null };
    },
    (field) => field,
  );
}

/** Parses `sacct --noheader --parsable2 --allocations --format=SACCT_FORMAT` (ExitCode `3:0`). */
export function parseSacct(stdout: string): Map<string, SlurmJobInfo> {
  return parseLines(
    stdout,
    (field) => {
      const [code, signal] = field.split(':').map((n) => Number.parseInt(n, 10));
      return signal ? { code: null, signal } : { code: code ?? null, signal: null };
    },
    // "CANCELLED by 1000": the state is the first word.
    (field) => field.split(' ', 1)[0]!,
  );
}

const QUEUED = new Set([
  'PENDING',
  'REQUEUED',
  'REQUEUE_HOLD',
  'REQUEUE_FED',
  'RESV_DEL_HOLD',
  'SUSPENDED',
]);
const ENDED = new Set([
  'COMPLETED',
  'CANCELLED',
  'FAILED',
  'TIMEOUT',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'OUT_OF_MEMORY',
  'REVOKED',
  'SPECIAL_EXIT',
]);

/**
 * Queued (pending, held, requeued, suspended), running (running, configuring, completing,
 * signaling, staging out), or ended (a final state: the exit status is known).
 */
export function phaseOf(state: string): SlurmPhase {
  if (QUEUED.has(state)) return 'queued';
  if (ENDED.has(state)) return 'ended';
  return 'running';
}

/** What the common pending reasons mean, and what to do when the job would never start. */
const PENDING_WORDS: Record<string, string> = {
  Resources: 'the resources it asks for are in use; it starts when they free up',
  Priority: 'jobs of higher priority are ahead of it in the queue',
  Dependency: 'it waits for another job it depends on',
  BeginTime: 'its start time has not come yet',
  JobHeldUser: 'it is held; release it with `scontrol release JOBID`',
  JobHeldAdmin: 'an administrator holds it; release it with `scontrol release JOBID`',
  ReqNodeNotAvail: 'the nodes it needs are down, drained or reserved',
  PartitionDown: 'its partition is down',
  PartitionInactive: 'its partition is inactive',
  PartitionTimeLimit:
    "its time limit is longer than the partition's: it will not start; lower slurm.timeLimit in worker.yaml",
  PartitionConfig:
    'it asks for more than any node of its partition has (CPUs, memory, GPUs): it will not start; check slurm.gpusPerJob and slurm.sbatchOptions',
  PartitionNodeLimit: 'it asks for more nodes than the partition allows: it will not start',
  Reservation: 'it waits for its reservation to begin',
  QOSMaxJobsPerUserLimit: 'the QOS limit of running jobs per user is reached',
  AssocMaxJobsLimit: "the account's limit of running jobs is reached",
  AssocGrpCpuLimit: "the account's CPU limit is reached",
  AssocGrpGRES: "the account's GPU limit is reached",
  QOSGrpGRES: "the QOS's GPU limit is reached",
  BadConstraints:
    'no node has the features it asks for: it will not start; check slurm.sbatchOptions',
  InvalidAccount: 'its account is not valid: it will not start; check slurm.account',
  InvalidQOS: 'its QOS is not valid: it will not start; check slurm.sbatchOptions',
  DependencyNeverSatisfied: 'it depends on a job that failed: it will not start',
  None: 'the scheduler has not looked at it yet',
};

/** "Slurm job 17 is pending (Resources): the resources it asks for are in use; …". */
export function describePending(job: SlurmJobInfo): string {
  const words = PENDING_WORDS[job.reason];
  const what = job.state === 'PENDING' ? 'is pending' : `is ${job.state.toLowerCase()}`;
  return `Slurm job ${job.id} ${what} (${job.reason || 'no reason given'})${
    words === undefined ? '' : `: ${words.replace('JOBID', job.id)}`
  }`;
}

/**
 * How an ended job ended, for the trainer's exit: its exit status, and — when Slurm ended
 * it rather than the trainer — what happened in words. `cancelled` says whether the worker
 * asked for the end itself (`scancel`).
 */
export function describeEnding(
  job: SlurmJobInfo,
  requested: { cancel: boolean; stop: boolean },
): {
  code: number | null;
  signal: number | null;
  endedBy?: { summary: string; details: Record<string, unknown> };
} {
  const details = {
    slurmJobId: job.id,
    slurmState: job.state,
    slurmReason: job.reason,
    ...(job.nodes ? { slurmNodes: job.nodes } : {}),
  };
  const by = (summary: string) => ({ ...job.exit, endedBy: { summary, details } });
  const on = job.nodes ? ` on ${job.nodes}` : '';
  switch (job.state) {
    case 'COMPLETED':
      return job.exit;
    case 'FAILED':
      // The trainer's own failure (a non-zero exit, a signal) is told as the local one is.
      if (
        ['NonZeroExitCode', 'None', ''].includes(job.reason) ||
        job.reason.startsWith('RaisedSignal')
      )
        return job.exit;
      return by(`failed to start in Slurm job ${job.id}${on} (${job.reason})`);
    case 'CANCELLED':
      if (requested.cancel || requested.stop) return job.exit;
      return by(
        `was cancelled in Slurm (job ${job.id}), not through trainwire: an administrator or \`scancel\` ended it`,
      );
    case 'TIMEOUT':
      return by(
        `reached its Slurm time limit (${job.timeLimit}; job ${job.id}${on}, ${job.reason || 'TimeLimit'}); raise slurm.timeLimit in worker.yaml`,
      );
    case 'NODE_FAIL':
      return by(`lost its node: Slurm reports NODE_FAIL for job ${job.id}${on}`);
    case 'PREEMPTED':
      return by(`was preempted by Slurm (job ${job.id}${on}) for a job of higher priority`);
    case 'OUT_OF_MEMORY':
      return by(
        `ran out of memory in Slurm job ${job.id}${on}; ask for more with "--mem=…" in slurm.sbatchOptions`,
      );
    case 'BOOT_FAIL':
      return by(`could not start: its node failed to boot (Slurm job ${job.id}${on})`);
    case 'DEADLINE':
      return by(`was ended by Slurm at its deadline (job ${job.id})`);
    default:
      return by(`was ended by Slurm as ${job.state} (job ${job.id}${on}, ${job.reason})`);
  }
}
