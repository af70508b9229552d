import { randomUUID } from 'node:crypto';
import { type ProgressMessage, ProgressMessageSchema, parseOrThrow } from '@trainwire/core';
import { type Observable, Subject } from 'rxjs';
import { Subscriber, XPublisher } from 'zeromq';
import { z } from 'zod';
import { BridgeClosedError } from './errors.js';
import { SEQ_FIELD, STREAM_FIELD } from './internal/decodeTrainerMessage.js';
import { checkEndpoint, EndpointSchema, isClosedError } from './internal/endpoint.js';
import { GatedPublisher } from './internal/GatedPublisher.js';
import {
  CLOSE_LINGER_MS,
  HIGH_WATER_MARK,
  MAX_FRAME_BYTES,
  MAX_QUEUED,
} from './internal/limits.js';
import { parsePythonJson } from './parsePythonJson.js';
import { stringifyPythonJson } from './stringifyPythonJson.js';

/** Options of {@link createProgressPublisher}. */
export interface ProgressPublisherOptions {
  /** Where the reader (or a loss viewer) listens for progress, e.g. `tcp://127.0.0.1:9001`. */
  publishAddress: string;
  /** Where the reader publishes control commands (`{"command": "stop"}`). Optional. */
  controlAddress?: string;
  /** Run name written as `what` into messages that have none. */
  what?: string;
}

/** What a {@link ProgressPublisher} has done so far. */
export interface ProgressPublisherStats {
  /** Messages handed to ZeroMQ or kept for a reader that has not joined yet. */
  published: number;
  /** Messages that could not be delivered (no reader joined before close, queue full). */
  dropped: number;
}

/** A trainer's end of the progress link. Create it with {@link createProgressPublisher}. */
export interface ProgressPublisher {
  /**
   * Sends one message. Until a reader has subscribed, messages are kept and sent when it
   * does, so the first `train_begin` is not lost to ZeroMQ's slow-joiner effect.
   */
  publish(message: ProgressMessage): Promise<void>;
  /** Emits each time `{"command": "stop"}` arrives on the control address. */
  readonly stopRequested$: Observable<void>;
  /** Counters (a snapshot). */
  readonly stats: ProgressPublisherStats;
  /**
   * Delivers what is queued (waiting up to 5 s for a reader if none ever joined), then
   * closes both sockets and completes `stopRequested$`. Safe to call twice.
   */
  close(): Promise<void>;
}

const OptionsSchema = z.object({
  publishAddress: EndpointSchema,
  controlAddress: EndpointSchema.optional(),
  what: z.string().max(512).optional(),
});

/**
 * The TypeScript counterpart of sleap-nn's `ProgressReporterZMQ`: connects a PUB socket
 * to `publishAddress` and a SUB socket to `controlAddress`, and writes JSON as Python
 * does (bare `NaN`/`Infinity`), so any reader of that format understands it.
 *
 * Each message also carries `trainwire_seq` and `trainwire_stream`, which a
 * {@link TrainerReader} uses to count lost messages; other readers ignore them.
 *
 * @throws BadAddressError (`bad_address`) when an address is not a ZeroMQ endpoint.
 *
 * @example
 * ```ts
 * const progress = await createProgressPublisher({
 *   publishAddress: process.env.TRAINWIRE_PUBLISH_ADDRESS!,
 *   controlAddress: process.env.TRAINWIRE_CONTROL_ADDRESS,
 *   what: 'run-1',
 * });
 * progress.stopRequested$.subscribe(() => { stopAfterThisEpoch = true; });
 * await progress.publish({ event: 'train_begin' });
 * await progress.publish({ event: 'epoch_end', epoch: 0, logs: { 'train/loss': 0.4 } });
 * await progress.close();
 * ```
 */
export async function createProgressPublisher(
  options: ProgressPublisherOptions,
): Promise<ProgressPublisher> {
  checkEndpoint(options.publishAddress, 'publishAddress');
  if (options.controlAddress !== undefined) checkEndpoint(options.controlAddress, 'controlAddress');
  const { publishAddress, controlAddress, what } = parseOrThrow(
    OptionsSchema,
    options,
    'progress publisher options',
  );

  const stats: ProgressPublisherStats = { published: 0, dropped: 0 };
  const stream = randomUUID();
  let seq = 0;
  let closed = false;

  const pub = new XPublisher({
    sendHighWaterMark: HIGH_WATER_MARK,
    maxMessageSize: MAX_FRAME_BYTES,
    noDrop: true,
    linger: CLOSE_LINGER_MS,
  });
  pub.connect(publishAddress);
  const gate = new GatedPublisher(pub, {
    mode: 'buffer',
    maxKept: MAX_QUEUED,
    maxQueued: MAX_QUEUED,
    onDrop: (n) => {
      stats.dropped += n;
    },
  });

  const stopSubject = new Subject<void>();
  let control: Subscriber | undefined;
  let controlLoop: Promise<void> = Promise.resolve();
  if (controlAddress !== undefined) {
    const sub = new Subscriber({ maxMessageSize: MAX_FRAME_BYTES, linger: 0 });
    sub.subscribe();
    sub.connect(controlAddress);
    control = sub;
    controlLoop = (async () => {
      try {
        for await (const [frame] of sub) {
          if (frame !== undefined && isStopCommand(frame)) stopSubject.next();
        }
      } catch (error) {
        if (!closed && !isClosedError(error)) stopSubject.error(error);
      }
    })();
  }

  return {
    stopRequested$: stopSubject.asObservable(),
    get stats() {
      return { ...stats };
    },
    async publish(message) {
      if (closed) throw new BridgeClosedError('this progress publisher');
      const valid = parseOrThrow(ProgressMessageSchema, message, 'progress message');
      seq++;
      const out = {
        ...(what === undefined ? {} : { what }),
        ...valid,
        [SEQ_FIELD]: seq,
        [STREAM_FIELD]: stream,
      };
      stats.published++;
      await gate.publish(stringifyPythonJson(out));
    },
    async close() {
      if (closed) return;
      closed = true;
      await gate.flush(CLOSE_LINGER_MS);
      // linger (set above) lets ZeroMQ finish writing what it holds after close.
      pub.close();
      control?.close();
      await controlLoop;
      stopSubject.complete();
    },
  };
}

function isStopCommand(frame: Buffer): boolean {
  try {
    const value = parsePythonJson(frame.toString('utf8'));
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<string, unknown>).command === 'stop'
    );
  } catch {
    return false;
  }
}
