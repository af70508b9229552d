import { Observable, Subject } from 'rxjs';

/**
 * A Subject that keeps what arrives before its first subscriber (up to `limit`) and
 * replays it to that subscriber: a worker gets its transport a few microtasks after the
 * link opens, and the client's first frame may already be there.
 */
export class EarlyBuffer<T> {
  readonly observable: Observable<T>;
  private readonly subject = new Subject<T>();
  private early: T[] | undefined = [];

  constructor(private readonly limit: number) {
    this.observable = new Observable<T>((subscriber) => {
      const early = this.early;
      this.early = undefined;
      for (const value of early ?? []) subscriber.next(value);
      return this.subject.subscribe(subscriber);
    });
  }

  next(value: T): void {
    if (this.early === undefined) this.subject.next(value);
    else if (this.early.length < this.limit) this.early.push(value);
  }

  complete(): void {
    this.subject.complete();
  }
}
