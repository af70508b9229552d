import { ProgressMessageSchema } from '@trainwire/core';
import { z } from 'zod';
import { parsePythonJson } from '../parsePythonJson.js';
import type { TrainerMessage } from '../TrainerMessage.js';

/** Field a trainwire publisher adds so a reader can count lost messages. */
export const SEQ_FIELD = 'trainwire_seq';
/** Field naming one publisher's stream of `trainwire_seq` numbers. */
export const STREAM_FIELD = 'trainwire_stream';

/**
 * The sequence fields as a trainwire publisher writes them (a count from 1, a UUID).
 * Any PUB peer can send them, so they are checked before a reader counts gaps with them.
 */
const SequenceSchema = z.object({
  [SEQ_FIELD]: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  [STREAM_FIELD]: z.string().min(1).max(64),
});

/** A decoded frame, with the publisher's sequence number when it sent one. */
export interface DecodedFrame {
  message: TrainerMessage;
  stream?: string;
  seq?: number;
}

/**
 * Decodes one frame from a trainer: Python-flavoured JSON, then the progress schema.
 * Returns null when the frame is not JSON at all (counted as malformed by the caller).
 * Sequence fields of the wrong shape are ignored: the message still comes through.
 */
export function decodeTrainerMessage(frame: Buffer): DecodedFrame | null {
  let raw: unknown;
  try {
    raw = parsePythonJson(frame.toString('utf8'));
  } catch {
    return null;
  }
  // Core's schema keeps NaN and ±Infinity in `logs`: a diverging loss is what a viewer must show.
  const parsed = ProgressMessageSchema.safeParse(raw);
  const message: TrainerMessage = parsed.success
    ? { kind: 'progress', progress: parsed.data, raw }
    : { kind: 'raw', raw };
  // Only frames that carry a sequence number pay for checking it (most Python trainers' do not).
  if (typeof raw !== 'object' || raw === null || !(SEQ_FIELD in raw)) return { message };
  const sequence = SequenceSchema.safeParse(raw);
  if (!sequence.success) return { message };
  return { message, stream: sequence.data[STREAM_FIELD], seq: sequence.data[SEQ_FIELD] };
}
