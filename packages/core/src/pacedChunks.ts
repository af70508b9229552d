import { Observable, type Subscriber } from 'rxjs';
import { TransportError } from './errors.js';

/** Options of {@link pacedChunks}. */
export interface PacedChunksOptions {
  /** Bytes the reader has taken so far (delivered and its held writes settled), in order. */
  onConsumed(total: number): void;
  /**
   * A write the reader held failed: turn the stream down with this code (`write_failed`)
   * and message (names the transfer and the reason).
   */
  onRefuse(code: string, message: string): void;
  /** The transfer's id, for that message. */
  id: string;
}

/** The receiving end of one byte stream, with the reader's pace (see {@link pacedChunks}). */
export interface PacedChunks {
  /** What the reader subscribes to: read once; chunks that came before it are kept. */
  readonly chunks$: Observable<Uint8Array>;
  /** The reader's `ByteStreamReader.hold`. */
  hold(pending: Promise<unknown>): void;
  push(chunk: Uint8Array): void;
  complete(): void;
  error(error: unknown): void;
  /**
   * Resolves once the reader subscribed and took every chunk pushed so far (rejects when a
   * held write failed).
   */
  settled(): Promise<void>;
}

/**
 * The receiving half of byte-stream flow control, for a transport to build its readers on.
 * A chunk counts as taken once the reader had it and every write it held
 * (`ByteStreamReader.hold`) up to then settled; the transport confirms only taken bytes to
 * the sender, which waits while too many are unconfirmed. So a reader slower than the link
 * (a slow disk) slows the sender instead of piling the difference up in memory, and chunks
 * that arrive before the reader subscribes count only once it had them.
 *
 * @example
 * ```ts
 * const paced = pacedChunks({ id: header.id, onConsumed: ackUpTo, onRefuse: refuse });
 * onStream({ header, chunks$: paced.chunks$, hold: paced.hold });
 * channel.onMessage((bytes) => paced.push(bytes));
 * ```
 */
export function pacedChunks(options: PacedChunksOptions): PacedChunks {
  const early: Uint8Array[] = [];
  let subscribed!: () => void;
  const read = new Promise<void>((resolve) => (subscribed = resolve));
  let outcome: { error: unknown } | 'complete' | undefined;
  let consumer: Subscriber<Uint8Array> | undefined;
  let taken = 0;
  let tail: Promise<void> = Promise.resolve();
  let failed = false;
  const watch = (next: Promise<void>) => {
    tail = next;
    next.catch((error: unknown) => {
      if (failed) return;
      failed = true;
      const reason = error instanceof Error ? error.message : String(error);
      options.onRefuse(
        'write_failed',
        `the receiver could not store transfer ${options.id}: ${reason}`,
      );
    });
  };
  const deliver = (chunk: Uint8Array) => {
    consumer!.next(chunk);
    // After `next`: a write the reader held for this chunk is already in `tail`.
    watch(
      tail.then(() => {
        taken += chunk.length;
        options.onConsumed(taken);
      }),
    );
  };
  return {
    chunks$: new Observable<Uint8Array>((subscriber) => {
      if (consumer !== undefined) {
        subscriber.error(new TransportError('protocol_error', 'a byte stream can be read once'));
        return;
      }
      consumer = subscriber;
      for (const chunk of early.splice(0)) deliver(chunk);
      subscribed();
      if (outcome === 'complete') subscriber.complete();
      else if (outcome !== undefined) subscriber.error(outcome.error);
    }),
    hold: (pending) => {
      watch(Promise.all([tail, pending]).then(() => undefined));
    },
    push: (chunk) => {
      if (consumer) deliver(chunk);
      else early.push(chunk);
    },
    complete: () => {
      if (consumer) consumer.complete();
      else outcome = 'complete';
    },
    error: (error) => {
      if (consumer) consumer.error(error);
      else outcome = { error };
    },
    // Once read: the chunks kept for a reader that had not subscribed count when it has them.
    settled: () => read.then(() => tail),
  };
}
