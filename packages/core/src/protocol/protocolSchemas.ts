import { ExperimentSchema, ModelVersionSchema } from '../schemas/Experiment.js';
import { JobEventSchema } from '../schemas/JobEvent.js';
import { JobSpecSchema } from '../schemas/JobSpec.js';
import { NoticeSchema } from '../schemas/Notice.js';
import { WorkerInfoSchema } from '../schemas/WorkerInfo.js';
import { WIRE_ERROR_DETAILS } from './errorDetailsSchemas.js';
import {
  ErrorFrameSchema,
  EventFrameSchema,
  NoticeFrameSchema,
  RequestFrameSchema,
  ResponseFrameSchema,
} from './frames.js';
import { JobSummarySchema, METHODS, type MethodName } from './methods.js';
import type { SchemaEntry } from './toJsonSchemas.js';

/**
 * Every schema of the control protocol that `docs/schemas/` publishes: the frames, each
 * method's params and result, job events, the payloads they share, and the `details` of
 * each error code.
 */
export function protocolSchemaEntries(): SchemaEntry[] {
  const entries: SchemaEntry[] = [
    { id: 'job-spec', title: 'JobSpec', schema: JobSpecSchema },
    { id: 'worker-info', title: 'WorkerInfo', schema: WorkerInfoSchema },
    { id: 'job-summary', title: 'JobSummary', schema: JobSummarySchema },
    { id: 'job-event', title: 'JobEvent', schema: JobEventSchema },
    { id: 'experiment', title: 'Experiment', schema: ExperimentSchema },
    { id: 'model-version', title: 'ModelVersion', schema: ModelVersionSchema },
    { id: 'notice', title: 'Notice', schema: NoticeSchema },
    { id: 'frame.request', title: 'request frame', schema: RequestFrameSchema },
    { id: 'frame.response', title: 'response frame', schema: ResponseFrameSchema },
    { id: 'frame.event', title: 'event frame', schema: EventFrameSchema },
    { id: 'frame.notice', title: 'notice frame', schema: NoticeFrameSchema },
    { id: 'frame.error', title: 'error frame', schema: ErrorFrameSchema },
  ];
  for (const method of Object.keys(METHODS) as MethodName[]) {
    const { params, result } = METHODS[method];
    entries.push(
      { id: `method.${method}.params`, title: `${method} params`, schema: params },
      { id: `method.${method}.result`, title: `${method} result`, schema: result },
    );
  }
  for (const [code, schema] of Object.entries(WIRE_ERROR_DETAILS)) {
    entries.push({ id: `error-details.${code}`, title: `details of ${code}`, schema });
  }
  return entries;
}
