interface SendSocket {
  send(message: string): Promise<void>;
  readonly closed: boolean;
}

interface Pending {
  text: string;
  resolve: () => void;
}

/** Options of a {@link SendQueue}. */
export interface SendQueueOptions {
  /** Most messages waiting in JavaScript; past it the oldest is dropped and counted. */
  maxQueued: number;
  /** Called with the number of messages dropped. */
  onDrop: (count: number) => void;
}

/**
 * Sends messages one at a time (zeromq.js allows one pending send per socket), in
 * order. With `noDrop` set on the socket a full peer makes `send` fail with `EAGAIN`
 * instead of dropping silently; the queue then waits and retries, so nothing is lost
 * while the peer catches up.
 */
export class SendQueue {
  private readonly items: Pending[] = [];
  private head = 0;
  private running = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly socket: SendSocket,
    private readonly options: SendQueueOptions,
  ) {}

  /** Messages not yet handed to ZeroMQ. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Queues `text`; resolves once ZeroMQ has taken it (or it was dropped). */
  push(text: string): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.size >= this.options.maxQueued) {
        const oldest = this.items[this.head];
        this.head++;
        this.options.onDrop(1);
        oldest?.resolve();
      }
      this.items.push({ text, resolve });
      if (!this.running) void this.run();
    });
  }

  /** Resolves when every queued message was handed to ZeroMQ. */
  drained(): Promise<void> {
    if (!this.running && this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops what is still queued (counted), e.g. on close. */
  discard(): void {
    const left = this.size;
    const items = this.items.splice(0);
    for (let i = this.head; i < items.length; i++) items[i]?.resolve();
    this.head = 0;
    if (left > 0) this.options.onDrop(left);
  }

  private async run(): Promise<void> {
    this.running = true;
    let backoff = 1;
    while (this.size > 0) {
      const item = this.items[this.head] as Pending;
      if (this.socket.closed) {
        this.discard();
        break;
      }
      try {
        await this.socket.send(item.text);
        backoff = 1;
      } catch (error) {
        if ((error as { code?: unknown }).code === 'EAGAIN' && !this.socket.closed) {
          // The peer's queue is full (noDrop): wait for it to read, then retry.
          await delay(backoff);
          backoff = Math.min(backoff * 2, 50);
          continue;
        }
        this.options.onDrop(1);
      }
      if (this.items[this.head] === item) {
        this.head++;
        item.resolve();
      }
      if (this.head > 4096 && this.head * 2 > this.items.length) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
