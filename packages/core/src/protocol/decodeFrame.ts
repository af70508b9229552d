import { formatFieldIssues, toFieldIssues } from '../errors.js';
import {
  ErrorFrameSchema,
  EventFrameSchema,
  type Frame,
  RequestFrameSchema,
  ResponseFrameSchema,
} from './frames.js';

/** The result of reading one control message. */
export type DecodedFrame =
  | { ok: true; frame: Frame }
  | { ok: false; code: 'bad_frame'; message: string; ref?: string };

const SCHEMAS = {
  request: RequestFrameSchema,
  response: ResponseFrameSchema,
  event: EventFrameSchema,
  error: ErrorFrameSchema,
} as const;

/**
 * Reads one control message: JSON, then the schema of its `type`. Never throws; a bad
 * message comes back with a message naming the field that was wrong.
 */
export function decodeFrame(text: string): DecodedFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      code: 'bad_frame',
      message: `frame is not JSON: ${(error as Error).message}`,
    };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, code: 'bad_frame', message: 'frame must be a JSON object' };
  }
  const record = raw as Record<string, unknown>;
  const ref = typeof record.id === 'string' ? record.id.slice(0, 64) : undefined;
  const type = record.type;
  const schema = typeof type === 'string' ? SCHEMAS[type as keyof typeof SCHEMAS] : undefined;
  if (schema === undefined) {
    return withRef(
      `frame type must be one of ${Object.keys(SCHEMAS).join(', ')}; got ${JSON.stringify(type)}`,
      ref,
    );
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, frame: parsed.data as Frame };
  const detail = formatFieldIssues(toFieldIssues(parsed.error));
  return withRef(`bad ${type} frame: ${detail}`, ref);
}

function withRef(message: string, ref: string | undefined): DecodedFrame {
  return ref === undefined
    ? { ok: false, code: 'bad_frame', message }
    : { ok: false, code: 'bad_frame', message, ref };
}
