import {
  type ListMethod,
  type ListRow,
  listAcrossWorkers,
  type MethodParams,
  RpcPeer,
  type WorkerListFailure,
} from '@trainwire/core';
import { ConnectionError, ExitCode, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import type { Connection, RemoteDeps } from './Connection.js';
import { table } from './format.js';

/** How one merged list is shown: its columns, and each row's cells. */
export interface AcrossWorkersView<M extends ListMethod> {
  method: M;
  params: MethodParams<M>;
  /** What the rows are, for "No experiments on any worker of the room match." */
  noun: string;
  head: string[];
  cells: (row: ListRow<M>) => string[];
}

/**
 * `--all-workers`: asks every worker of the room at once (core's `listAcrossWorkers`) and
 * prints one table, newest first, its first column naming each row's worker; a worker
 * that cannot be reached or does not answer is named on stderr ("its rows are missing")
 * and the others' rows stay. `--json`: one row a line with its `worker`. Exit 0 when any
 * worker answered, 3 when none did.
 */
export async function listAllWorkers<M extends ListMethod>(
  deps: RemoteDeps,
  io: Io,
  json: boolean,
  view: AcrossWorkersView<M>,
): Promise<number> {
  if (deps.listWorkers === undefined)
    throw new UsageError('--all-workers needs a room: log in (`trainwire login`) to use it');
  const names = await deps.listWorkers();
  if (names.length === 0) {
    io.stdout.write('No worker online in this room.\n');
    return ExitCode.ok;
  }
  const failed: WorkerListFailure[] = [];
  const open: Array<{ worker: string; connection: Connection }> = [];
  await Promise.all(
    names.map(async (worker) => {
      try {
        open.push({ worker, connection: await deps.connect({ worker }) });
      } catch (error) {
        failed.push({
          worker,
          code: 'connect_failed',
          message: `worker ${worker} could not be reached (${(error as Error).message}); its rows are missing`,
        });
      }
    }),
  );
  try {
    const merged = await listAcrossWorkers(
      open.map(({ worker, connection }) => ({
        worker,
        peer: new RpcPeer(connection.transport),
      })),
      view.method,
      view.params,
    );
    failed.push(...merged.failed);
    if (json) {
      for (const { worker, row } of merged.rows)
        io.stdout.write(`${JSON.stringify({ worker, ...row })}\n`);
    } else if (merged.rows.length === 0) {
      io.stdout.write(`No ${view.noun} on any worker that answered.\n`);
    } else {
      io.stdout.write(
        table([
          ['WORKER', ...view.head],
          ...merged.rows.map(({ worker, row }) => [worker, ...view.cells(row)]),
        ]),
      );
    }
    for (const failure of failed.sort((a, b) => a.worker.localeCompare(b.worker)))
      io.stderr.write(`${failure.message}\n`);
    if (failed.length === names.length)
      throw new ConnectionError(
        `no worker of the room answered (${names.join(', ')}); check \`trainwire workers\``,
      );
    return ExitCode.ok;
  } finally {
    await Promise.all(open.map(({ connection }) => connection.close().catch(() => {})));
  }
}
