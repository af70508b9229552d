import {
  asyncScheduler,
  BehaviorSubject,
  type Observable,
  type SchedulerLike,
  Subject,
} from 'rxjs';
import { TransportError } from '../errors.js';
import { utf8Length } from '../JobEventHub.js';
import { type PacedChunks, pacedChunks } from '../pacedChunks.js';
import type {
  ByteStreamHeader,
  ByteStreamReader,
  ByteStreamWriter,
  Transport,
  TransportStatus,
} from '../Transport.js';

/** How a memory link behaves: the faults the reliability code is tested against. */
export interface MemoryTransportOptions {
  /** Delay of every message and chunk, in ms (0: next tick). */
  latencyMs?: number;
  /** Share of control messages silently lost, 0..1. */
  dropRate?: number;
  /** Largest control message in UTF-8 bytes (64 KiB by default, as werift). */
  maxMessageSize?: number;
  /** Largest byte-stream chunk handed over at once. */
  chunkSize?: number;
  /** Seed of the drop decisions, so a failing run can be repeated. */
  seed?: number;
  /** Timers run on it (a `VirtualClock` in tests). */
  scheduler?: SchedulerLike;
}

/** A writer waits while more than this is sent and not yet taken by the reader. */
const WINDOW_BYTES = 4 * 1024 * 1024;

/**
 * A first-class in-process transport (not a mock): the embedded mode runs on it, and unit
 * tests use it with latency, drops, size caps and forced disconnects switched on.
 * Create both ends at once with {@link createMemoryTransportPair}.
 */
export class MemoryTransport implements Transport {
  readonly status$: Observable<TransportStatus>;
  readonly messages$: Observable<string>;
  readonly byteStreams$: Observable<ByteStreamReader>;
  readonly maxMessageSize: number;
  /** Counters: control messages sent, delivered and dropped by the fault model. */
  readonly stats = { sent: 0, delivered: 0, dropped: 0 };

  /** @internal */ peer!: MemoryTransport;
  private readonly status = new BehaviorSubject<TransportStatus>('connecting');
  private readonly messages = new Subject<string>();
  private readonly streams = new Subject<ByteStreamReader>();
  private readonly inbound = new Map<string, PacedChunks>();
  private readonly scheduler: SchedulerLike;
  private readonly latencyMs: number;
  private readonly dropRate: number;
  private readonly chunkSize: number;
  private random: () => number;
  /** Bumped at each disconnect, so deliveries in flight across it are lost. */
  private epoch = 0;
  /** Set by {@link MemoryTransport.silence}: everything sent is lost, the status stays. */
  private silenced = false;

  constructor(
    readonly id: string,
    options: MemoryTransportOptions = {},
  ) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.latencyMs = options.latencyMs ?? 0;
    this.dropRate = options.dropRate ?? 0;
    this.maxMessageSize = options.maxMessageSize ?? 64 * 1024;
    this.chunkSize = options.chunkSize ?? 16 * 1024;
    this.random = mulberry32(options.seed ?? 1);
    this.status$ = this.status.asObservable();
    this.messages$ = this.messages.asObservable();
    this.byteStreams$ = this.streams.asObservable();
  }

  get currentStatus(): TransportStatus {
    return this.status.getValue();
  }

  async connect(): Promise<void> {
    const status = this.status.getValue();
    if (status === 'closed')
      throw new TransportError('transport_closed', `memory link ${this.id} is closed`);
    if (status === 'open') return;
    this.status.next('open');
    if (this.peer.status.getValue() === 'connecting') this.peer.status.next('open');
  }

  send(message: string): void {
    this.assertOpen();
    const size = message.length * 3 <= this.maxMessageSize ? 0 : utf8Length(message);
    if (size > this.maxMessageSize) {
      throw new TransportError(
        'message_too_large',
        `message of ${size} bytes is above this link's limit of ${this.maxMessageSize}`,
      );
    }
    this.stats.sent++;
    if (this.silenced || (this.dropRate > 0 && this.random() < this.dropRate)) {
      this.stats.dropped++;
      return;
    }
    this.deliver(() => {
      this.stats.delivered++;
      this.peer.messages.next(message);
    });
  }

  async openByteStream(header: ByteStreamHeader): Promise<ByteStreamWriter> {
    this.assertOpen();
    const { peer } = this;
    // Set when the receiver turns the stream down: every later write or end rejects with it.
    let refused: TransportError | undefined;
    // Bytes sent and bytes the reader took: `write` waits while a window is between them.
    let sent = 0;
    let taken = 0;
    let wake: (() => void) | undefined;
    const refuse = (code: string, message: string) => {
      refused = new TransportError('stream_refused', `receiver refused: ${message} (${code})`, {
        details: { code },
      });
      peer.inbound.delete(header.id);
      wake?.();
    };
    const paced = pacedChunks({
      onConsumed: (total) => {
        taken = total;
        wake?.();
      },
      id: header.id,
      onRefuse: refuse,
    });
    this.deliver(() => {
      peer.inbound.set(header.id, paced);
      peer.streams.next({
        header,
        chunks$: paced.chunks$,
        refuse,
        hold: paced.hold,
      });
    });
    let ended = false;
    const write = async (chunk: Uint8Array) => {
      if (refused) throw refused;
      if (ended) throw new TransportError('transport_closed', `byte stream ${header.id} has ended`);
      for (let offset = 0; offset < chunk.length; offset += this.chunkSize) {
        while (sent - taken > WINDOW_BYTES && !refused && this.currentStatus === 'open') {
          // Until the reader takes more, refuses, or the link leaves `open`.
          await new Promise<void>((resolve) => {
            const done = () => {
              left.unsubscribe();
              resolve();
            };
            wake = done;
            const left = this.status.subscribe((now) => {
              if (now !== 'open') queueMicrotask(done);
            });
          });
        }
        if (refused) throw refused;
        this.assertOpen();
        const piece = chunk.slice(offset, offset + this.chunkSize);
        sent += piece.length;
        await new Promise<void>((resolve, reject) =>
          this.deliver(
            () => {
              paced.push(piece);
              resolve();
            },
            () => reject(lost(header)),
          ),
        );
      }
    };
    return {
      header,
      write,
      end: async () => {
        if (refused) throw refused;
        this.assertOpen();
        ended = true;
        await new Promise<void>((resolve, reject) =>
          this.deliver(
            () => {
              if (refused) return reject(refused);
              paced.complete();
              peer.inbound.delete(header.id);
              resolve();
            },
            () => reject(lost(header)),
          ),
        );
      },
      abort: (reason: string) => {
        ended = true;
        this.deliver(() => {
          paced.error(new TransportError('transport_closed', `sender aborted: ${reason}`));
          peer.inbound.delete(header.id);
        });
      },
    };
  }

  async close(): Promise<void> {
    for (const end of [this, this.peer]) {
      if (end.status.getValue() === 'closed') continue;
      end.failStreams('the link was closed');
      end.status.next('closed');
      end.messages.complete();
      end.streams.complete();
    }
  }

  /**
   * Simulates a broken link: both ends go `reconnecting`, messages and chunks in flight
   * are lost, open byte streams error; after `downMs` both ends are `open` again.
   */
  disconnect(downMs: number): void {
    for (const end of [this, this.peer]) {
      if (end.status.getValue() !== 'open') continue;
      end.epoch++;
      end.failStreams('the link dropped');
      end.status.next('reconnecting');
    }
    this.scheduler.schedule(() => {
      for (const end of [this, this.peer])
        if (end.status.getValue() === 'reconnecting') end.status.next('open');
    }, downMs);
  }

  /**
   * Simulates a far end that vanished without a word (a killed process, a network that
   * drops everything before the link notices): while `on`, every control message both
   * ways is lost and the status stays as it is. `silence(false)` lets traffic through again.
   */
  silence(on = true): void {
    this.silenced = on;
    this.peer.silenced = on;
  }

  private deliver(fn: () => void, onLost?: () => void): void {
    const epoch = this.epoch;
    this.scheduler.schedule(() => {
      if (
        !this.silenced &&
        epoch === this.epoch &&
        this.status.getValue() === 'open' &&
        this.peer.status.getValue() === 'open'
      )
        fn();
      else onLost?.();
    }, this.latencyMs);
  }

  private failStreams(reason: string): void {
    for (const paced of this.inbound.values())
      paced.error(new TransportError('transport_closed', reason));
    this.inbound.clear();
  }

  private assertOpen(): void {
    const status = this.status.getValue();
    if (status !== 'open') {
      throw new TransportError(
        status === 'closed' ? 'transport_closed' : 'transport_not_open',
        `memory link ${this.id} is ${status}`,
      );
    }
  }
}

/** Two linked ends: what one sends, the other receives. */
export function createMemoryTransportPair(
  options: MemoryTransportOptions = {},
  ids: [string, string] = ['client', 'worker'],
): [MemoryTransport, MemoryTransport] {
  const a = new MemoryTransport(ids[0], options);
  const b = new MemoryTransport(ids[1], { ...options, seed: (options.seed ?? 1) + 1 });
  a.peer = b;
  b.peer = a;
  return [a, b];
}

function lost(header: ByteStreamHeader): TransportError {
  return new TransportError('transport_not_open', `the link dropped during transfer ${header.id}`);
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
