import type { XPublisher } from 'zeromq';
import { isClosedError } from './endpoint.js';
import { SendQueue } from './SendQueue.js';

/** Options of a {@link GatedPublisher}. */
export interface GatedPublisherOptions {
  /**
   * `buffer`: while no subscriber is there, keep messages and send them when one comes
   * (a trainer waiting for its reader). `replay`: keep the run's history since
   * `train_begin` and send all of it to each viewer that appears after none was there.
   */
  mode: 'buffer' | 'replay';
  /** Most messages kept while no subscriber is there (buffer) or in history (replay). */
  maxKept: number;
  /** Most messages waiting to be handed to ZeroMQ. */
  maxQueued: number;
  onDrop: (count: number) => void;
  onSubscribers?: (present: boolean) => void;
}

/**
 * Sends on an XPUB socket only while someone is subscribed. An XPUB hears each
 * subscription, so this knows when a subscriber has really joined and avoids ZeroMQ's
 * slow-joiner loss: a message published before the subscription arrived would be
 * dropped silently by a plain PUB.
 */
export class GatedPublisher {
  private readonly topics = new Set<string>();
  private readonly queue: SendQueue;
  /** Replay mode: the run's first message (its train_begin), never dropped for room. */
  private first: string | undefined;
  /**
   * The other kept messages, oldest at `keptHead`. A head index instead of `shift()` /
   * `splice(1, 1)`, so a publish stays O(1) with a full history of many thousands.
   */
  private kept: (string | undefined)[] = [];
  private keptHead = 0;
  private presenceWaiters: (() => void)[] = [];

  constructor(
    private readonly socket: XPublisher,
    private readonly options: GatedPublisherOptions,
  ) {
    this.queue = new SendQueue(socket, { maxQueued: options.maxQueued, onDrop: options.onDrop });
    void this.watch();
  }

  /** True while at least one subscriber is there. */
  get present(): boolean {
    return this.topics.size > 0;
  }

  /**
   * Sends `text` (or keeps it, see the mode). `startsRun` marks a `train_begin`: in
   * replay mode the history restarts with it.
   */
  publish(text: string, startsRun = false): Promise<void> {
    if (this.options.mode === 'replay') {
      if (startsRun) this.clearKept();
      this.keep(text);
      return this.present ? this.queue.push(text) : Promise.resolve();
    }
    if (this.present) return this.queue.push(text);
    this.keep(text);
    return Promise.resolve();
  }

  /** Resolves when a subscriber is there, or after `timeoutMs` (false then). */
  waitForSubscriber(timeoutMs: number): Promise<boolean> {
    if (this.present) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.presenceWaiters = this.presenceWaiters.filter((w) => w !== onPresent);
        resolve(value);
      };
      const onPresent = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.presenceWaiters.push(onPresent);
    });
  }

  /**
   * Hands everything to ZeroMQ: waits up to `timeoutMs` for a subscriber when messages
   * are still kept in buffer mode (then counts them dropped), and about as long for the
   * send queue (what is left then is counted dropped).
   */
  async flush(timeoutMs: number): Promise<void> {
    if (this.options.mode === 'buffer' && this.keptSize > 0) {
      await this.waitForSubscriber(timeoutMs);
      if (!this.present) {
        this.options.onDrop(this.keptSize);
        this.clearKept();
      }
    }
    // A viewer that stopped reading (noDrop) would hold the queue forever: bound the wait.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), Math.max(timeoutMs, 1_000));
    });
    const late = await Promise.race([this.queue.drained().then(() => false), timedOut]);
    clearTimeout(timer);
    if (late) this.queue.discard();
  }

  /** Messages kept in `kept` (not counting `first`). */
  private get keptSize(): number {
    return this.kept.length - this.keptHead;
  }

  private clearKept(): void {
    this.first = undefined;
    this.kept = [];
    this.keptHead = 0;
  }

  private keep(text: string): void {
    const replay = this.options.mode === 'replay';
    // Keep the first message (the run's train_begin): a viewer needs it to take `what`.
    if (replay && this.first === undefined) this.first = text;
    else this.kept.push(text);
    const total = this.keptSize + (this.first === undefined ? 0 : 1);
    if (total <= this.options.maxKept || this.keptSize === 0) return;
    this.kept[this.keptHead] = undefined; // let the dropped text be collected now
    this.keptHead++;
    if (!replay) this.options.onDrop(1);
    // Drop the consumed slots once they are most of the array: amortized O(1).
    if (this.keptHead > 4096 && this.keptHead * 2 > this.kept.length) {
      this.kept.splice(0, this.keptHead);
      this.keptHead = 0;
    }
  }

  private async watch(): Promise<void> {
    try {
      for await (const [frame] of this.socket) {
        if (frame === undefined || frame.length === 0) continue;
        const wasPresent = this.present;
        const topic = frame.subarray(1).toString('latin1');
        if (frame[0] === 1) this.topics.add(topic);
        else if (frame[0] === 0) this.topics.delete(topic);
        if (wasPresent !== this.present) this.onPresenceChange();
      }
    } catch (error) {
      if (!isClosedError(error) && !this.socket.closed) throw error;
    }
  }

  private onPresenceChange(): void {
    this.options.onSubscribers?.(this.present);
    if (!this.present) return;
    // Hand over synchronously so that later publishes queue behind these, in order.
    const first = this.first;
    const kept = this.kept;
    const head = this.keptHead;
    if (this.options.mode === 'buffer') this.clearKept();
    if (first !== undefined) void this.queue.push(first);
    for (let i = head; i < kept.length; i++) void this.queue.push(kept[i] as string);
    const waiters = this.presenceWaiters;
    this.presenceWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
