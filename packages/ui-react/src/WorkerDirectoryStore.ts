import type { WorkerDirectory } from '@trainwire/core';

/**
 * The part of core's `WorkerDirectory` the widgets use: its snapshot, `refresh()` and
 * `best()`. Core's class is one; any object of that shape will do.
 */
export type WorkerDirectoryStore = Pick<
  WorkerDirectory,
  'getSnapshot' | 'subscribe' | 'refresh' | 'best'
>;
