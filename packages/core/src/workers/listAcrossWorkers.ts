import {
  asyncScheduler,
  filter,
  firstValueFrom,
  from,
  map,
  merge,
  NEVER,
  type Observable,
  type SchedulerLike,
  take,
  timeout,
} from 'rxjs';
import { isTrainwireError, TransportError } from '../errors.js';
import type { MethodParams, MethodResult } from '../protocol/methods.js';
import type { RpcPeer } from '../protocol/RpcPeer.js';
import type { TransportStatus } from '../Transport.js';

/** The list methods {@link listAcrossWorkers} merges. */
export type ListMethod = 'experiment.list' | 'model.list' | 'artifact.list' | 'job.list';

/** A row of one list method. */
export type ListRow<M extends ListMethod> = M extends 'experiment.list'
  ? MethodResult<'experiment.list'>['experiments'][number]
  : M extends 'model.list'
    ? MethodResult<'model.list'>['models'][number]
    : M extends 'artifact.list'
      ? MethodResult<'artifact.list'>['artifacts'][number]
      : MethodResult<'job.list'>['jobs'][number];

/** One worker to ask: its name (as rows will name it) and its connection. */
export interface WorkerConnection {
  worker: string;
  peer: Pick<RpcPeer, 'request'> & {
    /** When given, a link that closes mid-listing fails that worker at once. */
    readonly transport?: { readonly status$: Observable<TransportStatus> };
  };
}

/** A row, and the worker it came from. */
export interface MergedRow<Row> {
  worker: string;
  row: Row;
}

/** A worker whose rows are missing, and why. */
export interface WorkerListFailure {
  worker: string;
  /** `request_timeout`, `transport_closed`, or the worker's own error code. */
  code: string;
  /** In words: "worker gpu-2 did not answer within 5 s; its rows are missing". */
  message: string;
}

/** What {@link listAcrossWorkers} found. */
export interface MergedList<Row> {
  /** Every answering worker's rows, newest first (`createdAt`), each naming its worker. */
  rows: Array<MergedRow<Row>>;
  /** The workers that failed or timed out; their rows are absent, the others' are there. */
  failed: WorkerListFailure[];
  /** `total` of each answering worker (paged methods), or its row count. */
  totals: Record<string, number>;
}

/** How {@link listAcrossWorkers} waits. */
export interface ListAcrossWorkersOptions {
  /** How long each worker gets to answer, ms (5 000). */
  timeoutMs?: number;
  scheduler?: SchedulerLike;
}

/**
 * Calls one list method (`experiment.list`, `model.list`, `artifact.list`, `job.list`) on
 * several workers at once and merges the rows newest first, each naming its worker. A
 * worker that fails, times out or whose link closes mid-listing is reported in `failed`
 * with the reason; the others' rows stay. Never rejects. Paged methods answer one page
 * per worker (`params.limit` each).
 *
 * @example
 * ```ts
 * const merged = await listAcrossWorkers(
 *   [{ worker: 'gpu-1', peer: a }, { worker: 'gpu-2', peer: b }],
 *   'experiment.list',
 *   { limit: 20 },
 * );
 * for (const { worker, row } of merged.rows) console.log(worker, row.name);
 * for (const f of merged.failed) console.warn(f.message);
 * ```
 */
export async function listAcrossWorkers<M extends ListMethod>(
  workers: readonly WorkerConnection[],
  method: M,
  params: MethodParams<M>,
  options: ListAcrossWorkersOptions = {},
): Promise<MergedList<ListRow<M>>> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const scheduler = options.scheduler ?? asyncScheduler;
  const answers = await Promise.all(
    workers.map(async ({ worker, peer }) => {
      try {
        const result = await askOne(peer, method, params, timeoutMs, scheduler);
        const rows = rowsOf(method, result);
        return { worker, rows, total: totalOf(method, result), failure: undefined };
      } catch (error) {
        return { worker, rows: [], total: 0, failure: describeFailure(worker, error, timeoutMs) };
      }
    }),
  );
  const rows: Array<MergedRow<ListRow<M>>> = [];
  const failed: WorkerListFailure[] = [];
  const totals: Record<string, number> = {};
  for (const answer of answers) {
    if (answer.failure !== undefined) {
      failed.push(answer.failure);
      continue;
    }
    totals[answer.worker] = answer.total;
    for (const row of answer.rows) rows.push({ worker: answer.worker, row: row as ListRow<M> });
  }
  rows.sort((a, b) => createdAt(b.row) - createdAt(a.row) || a.worker.localeCompare(b.worker));
  return { rows, failed, totals };
}

async function askOne<M extends ListMethod>(
  peer: WorkerConnection['peer'],
  method: M,
  params: MethodParams<M>,
  timeoutMs: number,
  scheduler: SchedulerLike,
): Promise<MethodResult<M>> {
  const answer$ = from(peer.request(method, params));
  const closed$: Observable<never> =
    peer.transport === undefined
      ? NEVER
      : peer.transport.status$.pipe(
          filter((status) => status === 'closed'),
          take(1),
          map(() => {
            throw new TransportError('transport_closed', 'the link closed mid-listing');
          }),
        );
  return firstValueFrom(
    merge(answer$, closed$).pipe(timeout({ first: timeoutMs, scheduler })),
  ) as Promise<MethodResult<M>>;
}

function rowsOf(method: ListMethod, result: unknown): readonly unknown[] {
  const r = result as Record<string, readonly unknown[]>;
  switch (method) {
    case 'experiment.list':
      return r.experiments ?? [];
    case 'model.list':
      return r.models ?? [];
    case 'artifact.list':
      return r.artifacts ?? [];
    default:
      return r.jobs ?? [];
  }
}

function totalOf(method: ListMethod, result: unknown): number {
  const total = (result as { total?: unknown }).total;
  return typeof total === 'number' ? total : rowsOf(method, result).length;
}

function createdAt(row: unknown): number {
  const value = (row as { createdAt?: unknown }).createdAt;
  return typeof value === 'number' ? value : 0;
}

function describeFailure(worker: string, error: unknown, timeoutMs: number): WorkerListFailure {
  if ((error as { name?: unknown } | null)?.name === 'TimeoutError') {
    return {
      worker,
      code: 'request_timeout',
      message: `worker ${worker} did not answer within ${Math.round(timeoutMs / 100) / 10} s; its rows are missing (is it online? \`trainwire workers\`)`,
    };
  }
  const code = isTrainwireError(error) ? error.code : 'internal_error';
  const words = error instanceof Error ? error.message : String(error);
  return {
    worker,
    code,
    message:
      code === 'transport_closed'
        ? `the link to worker ${worker} closed while listing; its rows are missing`
        : `worker ${worker} could not list: ${words}; its rows are missing`,
  };
}
