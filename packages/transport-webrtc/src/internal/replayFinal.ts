import { type BehaviorSubject, Observable } from 'rxjs';

/**
 * A status stream that replays the current value and completes after `final`, even for
 * subscribers that arrive once it is final.
 */
export function replayFinal<T>(subject: BehaviorSubject<T>, final: T): Observable<T> {
  return new Observable<T>((subscriber) =>
    subject.subscribe({
      next: (value) => {
        subscriber.next(value);
        if (value === final) subscriber.complete();
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    }),
  );
}
