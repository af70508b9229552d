import { parsePythonJson } from '../parsePythonJson.js';
import type { TrainerMessage } from '../TrainerMessage.js';
import { safeParseProgress } from './parseProgress.js';

/** Field a trainwire publisher adds so a reader can count lost messages. */
export const SEQ_FIELD = 'trainwire_seq';
/** Field naming one publisher's stream of `trainwire_seq` numbers. */
export const STREAM_FIELD = 'trainwire_stream';

/** A decoded frame, with the publisher's sequence number when it sent one. */
export interface DecodedFrame {
  message: TrainerMessage;
  stream?: string;
  seq?: number;
}

/**
 * Decodes one frame from a trainer: Python-flavoured JSON, then the progress schema.
 * Returns null when the frame is not JSON at all (counted as malformed by the caller).
 */
export function decodeTrainerMessage(frame: Buffer): DecodedFrame | null {
  let raw: unknown;
  try {
    raw = parsePythonJson(frame.toString('utf8'));
  } catch {
    return null;
  }
  const parsed = safeParseProgress(raw);
  const message: TrainerMessage = parsed.success
    ? { kind: 'progress', progress: parsed.data, raw }
    : { kind: 'raw', raw };
  if (typeof raw !== 'object' || raw === null) return { message };
  const record = raw as Record<string, unknown>;
  const seq = record[SEQ_FIELD];
  const stream = record[STREAM_FIELD];
  if (typeof seq === 'number' && Number.isInteger(seq) && typeof stream === 'string') {
    return { message, stream, seq };
  }
  return { message };
}
