import { parseOrThrow } from '@trainwire/core';
import { type Observable, Subject } from 'rxjs';
import { Subscriber, XPublisher } from 'zeromq';
import { z } from 'zod';
import { decodeTrainerMessage } from './internal/decodeTrainerMessage.js';
import { bindTcp, HostSchema, isClosedError, PortSchema } from './internal/endpoint.js';
import { HIGH_WATER_MARK, MAX_FRAME_BYTES, MAX_SEQ_STREAMS } from './internal/limits.js';
import { SendQueue } from './internal/SendQueue.js';
import { stringifyPythonJson } from './stringifyPythonJson.js';
import type { TrainerMessage } from './TrainerMessage.js';

/** Options of {@link createTrainerReader}. */
export interface TrainerReaderOptions {
  /** Address to listen on. Default `127.0.0.1` (this machine only). */
  host?: string;
  /** Port where trainers connect their PUB socket. Default 0: a free port. */
  publishPort?: number;
  /** Port where trainers connect their control SUB socket. Default 0: a free port. */
  controlPort?: number;
}

/** What a {@link TrainerReader} has seen so far. */
export interface TrainerReaderStats {
  /** Frames received. */
  received: number;
  /** Frames that were not JSON, even Python-flavoured. */
  malformed: number;
  /**
   * Messages known to be lost: gaps in the sequence numbers a trainwire publisher adds,
   * and stop commands that could not be sent.
   */
  dropped: number;
}

/** The worker's end of one trainer's ZeroMQ link. Create it with {@link createTrainerReader}. */
export interface TrainerReader {
  /** Where the trainer connects its PUB socket, e.g. `tcp://127.0.0.1:41234`. */
  readonly publishAddress: string;
  /** Where the trainer connects its control SUB socket. */
  readonly controlAddress: string;
  /**
   * Every message, in order. Hot: subscribe before starting the trainer. Completes on
   * {@link TrainerReader.close}.
   */
  readonly messages$: Observable<TrainerMessage>;
  /** Counters, read at any time (a snapshot). */
  readonly stats: TrainerReaderStats;
  /**
   * Sends `{"command": "stop"}` to the trainer. A trainer still starting (importing torch
   * takes seconds) has not subscribed yet: the stop waits until it does, or until
   * {@link TrainerReader.close}, rather than being lost.
   */
  sendStop(): Promise<void>;
  /** Closes both sockets and completes `messages$`. Safe to call twice. */
  close(): Promise<void>;
}

const OptionsSchema = z.object({
  host: HostSchema.default('127.0.0.1'),
  publishPort: PortSchema.default(0),
  controlPort: PortSchema.default(0),
});

/**
 * Listens for one trainer that speaks sleap-nn's `ProgressReporterZMQ` format: binds a
 * SUB socket for its progress and a PUB socket for control, on free ports unless given.
 * Frames are parsed as Python writes JSON (bare `NaN`, `Infinity`, jsonpickle) and
 * validated; anything unknown comes through as `raw`.
 *
 * @throws PortInUseError (`port_in_use`) when a given port is taken; the message names it.
 * @throws ValidationError (`validation_failed`) for options of the wrong shape.
 *
 * @example
 * ```ts
 * const reader = await createTrainerReader();
 * reader.messages$.subscribe((m) => m.kind === 'progress' && console.log(m.progress));
 * spawn('python', ['train.py'], {
 *   env: { ...process.env, PUBLISH_ADDRESS: reader.publishAddress, CONTROL_ADDRESS: reader.controlAddress },
 * });
 * // later: await reader.sendStop(); … await reader.close();
 * ```
 */
export async function createTrainerReader(
  options: TrainerReaderOptions = {},
): Promise<TrainerReader> {
  const { host, publishPort, controlPort } = parseOrThrow(
    OptionsSchema,
    options,
    'trainer reader options',
  );
  const sub = new Subscriber({
    receiveHighWaterMark: HIGH_WATER_MARK,
    maxMessageSize: MAX_FRAME_BYTES,
    linger: 0,
  });
  const control = new XPublisher({
    sendHighWaterMark: HIGH_WATER_MARK,
    maxMessageSize: MAX_FRAME_BYTES,
    linger: 1_000,
  });
  sub.subscribe();
  let publishAddress: string;
  let controlAddress: string;
  try {
    publishAddress = await bindTcp(sub, host, publishPort, 'trainer progress');
    controlAddress = await bindTcp(control, host, controlPort, 'trainer control');
  } catch (error) {
    sub.close();
    control.close();
    throw error;
  }

  const stats: TrainerReaderStats = { received: 0, malformed: 0, dropped: 0 };
  const subject = new Subject<TrainerMessage>();
  const lastSeq = new Map<string, number>();
  let closed = false;
  let subscribers = 0;
  /** Stops waiting for a trainer to listen; all are released by a subscription or close(). */
  const listening = new Set<() => void>();
  const release = () => {
    for (const resolve of [...listening]) resolve();
    listening.clear();
  };

  const readLoop = (async () => {
    try {
      for await (const [frame] of sub) {
        if (frame === undefined) continue;
        stats.received++;
        const decoded = decodeTrainerMessage(frame);
        if (decoded === null) {
          stats.malformed++;
          continue;
        }
        if (decoded.stream !== undefined && decoded.seq !== undefined) {
          const last = lastSeq.get(decoded.stream);
          if (last !== undefined && decoded.seq > last + 1) stats.dropped += decoded.seq - last - 1;
          if (last === undefined && lastSeq.size >= MAX_SEQ_STREAMS) {
            // Forget the stream heard of first (a Map iterates in insertion order).
            lastSeq.delete(lastSeq.keys().next().value as string);
          }
          lastSeq.set(decoded.stream, decoded.seq);
        }
        subject.next(decoded.message);
      }
    } catch (error) {
      if (!closed && !isClosedError(error)) subject.error(error);
    }
  })();

  // The control socket hears subscriptions: a stop is only sent once a trainer listens.
  const controlLoop = (async () => {
    try {
      for await (const [frame] of control) {
        if (frame?.[0] === 1) subscribers++;
        else if (frame?.[0] === 0) subscribers = Math.max(0, subscribers - 1);
        if (subscribers > 0) release();
      }
    } catch {
      // closed
    }
  })();
  const stopQueue = new SendQueue(control, {
    maxQueued: 16,
    onDrop: (n) => {
      stats.dropped += n;
    },
  });

  return {
    publishAddress,
    controlAddress,
    messages$: subject.asObservable(),
    get stats() {
      return { ...stats };
    },
    async sendStop() {
      if (closed) return;
      if (subscribers === 0) await new Promise<void>((resolve) => listening.add(resolve));
      if (closed) return;
      await stopQueue.push(stringifyPythonJson({ command: 'stop' }));
    },
    async close() {
      if (closed) return;
      closed = true;
      release();
      await stopQueue.drained();
      sub.close();
      control.close();
      await Promise.allSettled([readLoop, controlLoop]);
      subject.complete();
    },
  };
}
