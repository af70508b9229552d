import type { ProgressMessage } from '@trainwire/core';

/**
 * One message read from a trainer. `progress` when it matches the sleap-nn progress
 * format (validated), `raw` for anything else that is JSON (an event this version does
 * not know, a jsonpickle object): passed through so nothing a trainer says is lost.
 * `raw` is the decoded JSON exactly as it came.
 */
export type TrainerMessage =
  | { kind: 'progress'; progress: ProgressMessage; raw: unknown }
  | { kind: 'raw'; raw: unknown };
