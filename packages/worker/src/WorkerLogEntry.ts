/**
 * What a worker tells its operator and nobody else: why a request was refused, with the
 * detail a client is not told (where a symlink led, whose job it was). Secrets never
 * appear; credential ids do.
 */
export interface WorkerLogEntry {
  /** When, ms since the epoch (the worker's clock). */
  at: number;
  /**
   * `path_denied` (a path outside the shared folders, or another member's upload),
   * `not_owner` (stop or cancel of a job another credential started).
   */
  event: 'path_denied' | 'not_owner';
  /** The credential of the connection that asked; absent for the local (embedded) mode. */
  credentialId?: string;
  /** The path as the client named it. */
  path?: string;
  /** What it really is after `..` and symlinks: for the operator only. */
  resolved?: string;
  jobId?: string;
  /** One line for an operator, e.g. `path denied for client alice (credential 7e8f…): …`. */
  message: string;
}

/** Where a worker sends its {@link WorkerLogEntry}s. */
export type WorkerLogger = (entry: WorkerLogEntry) => void;
