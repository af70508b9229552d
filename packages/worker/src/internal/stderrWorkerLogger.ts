import type { WorkerLogger } from '../WorkerLogEntry.js';

/** The default worker log: one line on stderr with an ISO timestamp. */
export const stderrWorkerLogger: WorkerLogger = (entry) => {
  process.stderr.write(`${new Date(entry.at).toISOString()} trainwire worker: ${entry.message}\n`);
};
