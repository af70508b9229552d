/** Options of a `JobManager`. */
export interface JobManagerOptions {
  /** Jobs that may run at once on one target (worker); 1 by default. */
  maxConcurrentPerTarget?: number;
}
