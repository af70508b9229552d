import { formatFieldIssues, toFieldIssues } from '../errors.js';
import {
  ErrorFrameSchema,
  EventFrameSchema,
  type Frame,
  NoticeFrameSchema,
  PROTOCOL_VERSION,
  RequestFrameSchema,
  ResponseFrameSchema,
} from './frames.js';

/** Why a control message could not be used. */
export type UnreadableFrame = {
  ok: false;
  /** `unsupported_version`: a frame of another protocol version; `bad_frame`: anything else. */
  code: 'bad_frame' | 'unsupported_version';
  message: string;
  /** The frame's `id`, when it had one (the answer's `ref`). */
  ref?: string;
  /** The `v` it carried, for `unsupported_version`. */
  version?: number;
  /** The frame was itself an `error` frame: it is never answered (two peers would echo). */
  wasError: boolean;
};

/** The result of reading one control message. */
export type DecodedFrame = { ok: true; frame: Frame } | UnreadableFrame;

const SCHEMAS = {
  // A request without params is read, and answered `bad_params` (its id is known), not
  // refused as a frame.
  request: RequestFrameSchema.extend({ params: RequestFrameSchema.shape.params.optional() }),
  response: ResponseFrameSchema,
  event: EventFrameSchema,
  notice: NoticeFrameSchema,
  error: ErrorFrameSchema,
} as const;

/**
 * Reads one control message: JSON, its protocol version, then the schema of its `type`.
 * Never throws; a bad message comes back with a message naming the field that was wrong,
 * and a frame of another version with one naming both versions.
 */
export function decodeFrame(text: string): DecodedFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return unreadable(`frame is not JSON: ${(error as Error).message}`, undefined, false);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return unreadable('frame must be a JSON object', undefined, false);
  }
  const record = raw as Record<string, unknown>;
  const ref = typeof record.id === 'string' ? record.id.slice(0, 64) : undefined;
  const type = record.type;
  const wasError = type === 'error';
  if (typeof record.v === 'number' && record.v !== PROTOCOL_VERSION) {
    return {
      ok: false,
      code: 'unsupported_version',
      message: `the other peer speaks protocol v${record.v} and this one speaks v${PROTOCOL_VERSION}; run the same trainwire protocol version at both ends (upgrade the older one)`,
      ...(ref === undefined ? {} : { ref }),
      version: record.v,
      wasError,
    };
  }
  const schema = typeof type === 'string' ? SCHEMAS[type as keyof typeof SCHEMAS] : undefined;
  if (schema === undefined) {
    return unreadable(
      `frame type must be one of ${Object.keys(SCHEMAS).join(', ')}; got ${JSON.stringify(type)}`,
      ref,
      wasError,
    );
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, frame: parsed.data as Frame };
  const detail = formatFieldIssues(toFieldIssues(parsed.error));
  return unreadable(`bad ${type} frame: ${detail}`, ref, wasError);
}

function unreadable(message: string, ref: string | undefined, wasError: boolean): UnreadableFrame {
  return ref === undefined
    ? { ok: false, code: 'bad_frame', message, wasError }
    : { ok: false, code: 'bad_frame', message, ref, wasError };
}
