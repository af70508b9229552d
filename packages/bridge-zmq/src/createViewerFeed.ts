import { type JobEvent, parseOrThrow } from '@trainwire/core';
import type { Observable } from 'rxjs';
import { Subscriber, XPublisher } from 'zeromq';
import { z } from 'zod';
import { BadAddressError } from './errors.js';
import { bindEndpoint, EndpointSchema, isClosedError } from './internal/endpoint.js';
import { GatedPublisher } from './internal/GatedPublisher.js';
import { HIGH_WATER_MARK, MAX_FRAME_BYTES, MAX_HISTORY, MAX_QUEUED } from './internal/limits.js';
import { toViewerMessage, type ViewerMessageContext } from './internal/toViewerMessage.js';
import { parsePythonJson } from './parsePythonJson.js';
import { stringifyPythonJson } from './stringifyPythonJson.js';

/** The part of a `JobSession` a viewer feed uses. */
export interface ViewerFeedSession {
  readonly events$: Observable<JobEvent>;
  stop(): Promise<void>;
}

/** Options of {@link createViewerFeed}. */
export interface ViewerFeedOptions {
  /**
   * Run name written as `what` into every message; LossViewer shows runs by it. A
   * pipeline's stages each go out under their own stage name instead.
   */
  what: string;
  /** Where progress goes. Default `tcp://127.0.0.1:9001`, SLEAP's publish port. */
  publishAddress?: string;
  /** Where a viewer's stop comes from. Default `tcp://127.0.0.1:9000`, SLEAP's control port. */
  controlAddress?: string;
  /**
   * `connect` (default): the viewer binds, as SLEAP's LossViewer does. `bind`: the feed
   * binds both addresses and viewers connect (port 0 picks a free one).
   */
  mode?: 'connect' | 'bind';
  /** Told once each of: nothing listens yet, events were lost, a stop failed. */
  onNotice?: (message: string) => void;
}

/** What a {@link ViewerFeed} has done so far. */
export interface ViewerFeedStats {
  /** Progress messages written for viewers (kept for replay while none is there). */
  published: number;
  /** Job events known to be lost: gaps in `seq`, or messages ZeroMQ could not take. */
  dropped: number;
  /** `epoch_end`/`batch_end` without any loss key, left out (old viewers raise on them). */
  skipped: number;
  /** Stop commands received from viewers. */
  stopRequests: number;
  /** Whether a viewer is subscribed now. */
  viewerConnected: boolean;
}

/** A job's progress, re-published for loss viewers. Create it with {@link createViewerFeed}. */
export interface ViewerFeed {
  /** Where progress is published (in bind mode, with the real port). */
  readonly publishAddress: string;
  /** Where stop commands are read (in bind mode, with the real port). */
  readonly controlAddress: string;
  /** Counters (a snapshot). */
  readonly stats: ViewerFeedStats;
  /** Stops following the session and closes the sockets. Safe to call twice. */
  close(): Promise<void>;
}

const OptionsSchema = z.object({
  what: z.string().min(1).max(512),
  publishAddress: EndpointSchema.default('tcp://127.0.0.1:9001'),
  controlAddress: EndpointSchema.default('tcp://127.0.0.1:9000'),
  mode: z.enum(['connect', 'bind']).default('connect'),
});

/**
 * Feeds a job's progress to SLEAP's LossViewer, or any viewer of sleap-nn's
 * `ProgressReporterZMQ` format, with no change on the viewer's side: every progress
 * event goes out as that JSON with `what` set and both spellings of the loss keys
 * (`train/loss` + `loss`, `val/loss` + `val_loss`); a viewer's `{"command": "stop"}`
 * calls `session.stop()`. A viewer that starts late (or restarts) gets the run replayed
 * from its `train_begin`. If nothing listens, `onNotice` says so once and the job goes on.
 *
 * @throws PortInUseError (`port_in_use`) in bind mode when a port is taken.
 * @throws ValidationError (`validation_failed`) for options of the wrong shape.
 *
 * @example
 * ```ts
 * const feed = await createViewerFeed(session, { what: 'centroid', onNotice: console.warn });
 * await session.done;
 * await feed.close();
 * ```
 */
export async function createViewerFeed(
  session: ViewerFeedSession,
  options: ViewerFeedOptions,
): Promise<ViewerFeed> {
  const { onNotice } = options;
  const parsed = parseOrThrow(OptionsSchema, options, 'viewer feed options');
  const { what, mode } = parsed;
  const noticed = new Set<string>();
  const notice = (key: string, message: string) => {
    if (noticed.has(key)) return;
    noticed.add(key);
    onNotice?.(message);
  };

  const stats: ViewerFeedStats = {
    published: 0,
    dropped: 0,
    skipped: 0,
    stopRequests: 0,
    viewerConnected: false,
  };
  const pub = new XPublisher({
    sendHighWaterMark: HIGH_WATER_MARK,
    maxMessageSize: MAX_FRAME_BYTES,
    noDrop: true,
    linger: 1_000,
  });
  const control = new Subscriber({
    receiveHighWaterMark: 1_000,
    maxMessageSize: MAX_FRAME_BYTES,
    linger: 0,
  });
  control.subscribe();
  let publishAddress = parsed.publishAddress;
  let controlAddress = parsed.controlAddress;
  if (mode === 'bind') {
    try {
      publishAddress = await bindWithFreePort(pub, publishAddress, 'loss viewer progress');
      controlAddress = await bindWithFreePort(control, controlAddress, 'loss viewer control');
    } catch (error) {
      pub.close();
      control.close();
      throw error;
    }
  } else {
    let connecting = publishAddress;
    try {
      pub.connect(publishAddress);
      connecting = controlAddress;
      control.connect(controlAddress);
    } catch (error) {
      // Leave nothing open: the sockets would keep Node alive.
      pub.close();
      control.close();
      throw new BadAddressError(
        connecting,
        `ZeroMQ cannot connect there (${(error as Error).message}); pass another address`,
        { cause: error },
      );
    }
    // Watched only once connected: a socket's event observer also keeps Node alive.
    pub.events.on('connect:retry', () =>
      notice(
        'nobody',
        `no loss viewer is listening on ${publishAddress}; training goes on, and the run ` +
          'is sent from its start when a viewer starts listening there (start LossViewer, ' +
          'or pass another publish address)',
      ),
    );
  }

  const gate = new GatedPublisher(pub, {
    mode: 'replay',
    maxKept: MAX_HISTORY,
    maxQueued: MAX_QUEUED,
    onDrop: (n) => {
      stats.dropped += n;
      notice('send', `${n} progress message(s) could not be handed to the loss viewer`);
    },
    onSubscribers: (present) => {
      stats.viewerConnected = present;
    },
  });

  const context: ViewerMessageContext = {};
  let lastSeq: number | undefined;
  /** The `what` of the run the viewer was last told began (a pipeline's stage, else `what`). */
  let begun: string | undefined;
  const subscription = session.events$.subscribe((event) => {
    if (lastSeq !== undefined && event.seq <= lastSeq) return; // replayed: already sent
    if (lastSeq !== undefined && event.seq > lastSeq + 1) {
      const lost = event.seq - lastSeq - 1;
      stats.dropped += lost;
      notice('gap', `${lost} job event(s) before seq ${event.seq} never reached the viewer feed`);
    }
    lastSeq = event.seq;
    if (event.type !== 'progress') return;
    // Each stage of a pipeline is a run of its own, named by the stage (the viewers filter
    // on `what`: "centroid", "centered_instance").
    const runWhat = event.stage?.name ?? what;
    const isBegin = event.progress.event === 'train_begin';
    if (!isBegin && begun !== runWhat) {
      // Joined mid-run (or mid-stage): LossViewer takes `what` only from a train_begin.
      void gate.publish(stringifyPythonJson({ event: 'train_begin', what: runWhat }), true);
    }
    begun = runWhat;
    const message = toViewerMessage(event.progress, runWhat, context);
    if (message === null) {
      stats.skipped++;
      return;
    }
    stats.published++;
    void gate.publish(stringifyPythonJson(message), isBegin);
  });

  let closed = false;
  const controlLoop = (async () => {
    try {
      for await (const [frame] of control) {
        if (frame === undefined || !isStop(frame)) continue;
        stats.stopRequests++;
        session.stop().catch((error: unknown) => {
          notice('stop', `the viewer asked to stop the job, but it failed: ${String(error)}`);
        });
      }
    } catch (error) {
      if (!closed && !isClosedError(error)) notice('control', `control socket failed: ${error}`);
    }
  })();

  return {
    publishAddress,
    controlAddress,
    get stats() {
      return { ...stats };
    },
    async close() {
      if (closed) return;
      closed = true;
      subscription.unsubscribe();
      await gate.flush(0);
      pub.close();
      control.close();
      await controlLoop;
    },
  };
}

async function bindWithFreePort(
  socket: XPublisher | Subscriber,
  address: string,
  purpose: string,
): Promise<string> {
  await bindEndpoint(socket, address.replace(/^(tcp:\/\/.+):0$/, '$1:*'), purpose);
  return socket.lastEndpoint ?? address;
}

function isStop(frame: Buffer): boolean {
  try {
    const value = parsePythonJson(frame.toString('utf8'));
    return (
      typeof value === 'object' && value !== null && 'command' in value && value.command === 'stop'
    );
  } catch {
    return false;
  }
}
