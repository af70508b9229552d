import { Observable, type Subscriber } from 'rxjs';
import { TransportError } from './errors.js';

/**
 * A stream read once: values that arrive before the reader subscribes are kept and
 * replayed to it, as a data channel's queue holds them (byte streams use it). A second
 * subscriber gets an error.
 */
export function bufferUntilSubscribed<T>(source: Observable<T>): Observable<T> {
  const early: T[] = [];
  let outcome: { error: unknown } | 'complete' | undefined;
  let consumer: Subscriber<T> | undefined;
  source.subscribe({
    next: (chunk) => {
      if (consumer) consumer.next(chunk);
      else early.push(chunk);
    },
    error: (error: unknown) => {
      if (consumer) consumer.error(error);
      else outcome = { error };
    },
    complete: () => {
      if (consumer) consumer.complete();
      else outcome = 'complete';
    },
  });
  return new Observable<T>((subscriber) => {
    if (consumer !== undefined) {
      subscriber.error(new TransportError('protocol_error', 'a byte stream can be read once'));
      return;
    }
    consumer = subscriber;
    for (const chunk of early.splice(0)) subscriber.next(chunk);
    if (outcome === 'complete') subscriber.complete();
    else if (outcome !== undefined) subscriber.error(outcome.error);
  });
}
