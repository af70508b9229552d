import { BehaviorSubject, type Observable } from 'rxjs';

/**
 * The state of a long-lived core object, kept twice: `state$` for code (replays the
 * current value), `getSnapshot()` + `subscribe()` for React (the same object until it
 * changes; listeners hear changes only, not the current value).
 */
export class SnapshotStore<S> {
  readonly state$: Observable<S>;
  private readonly subject: BehaviorSubject<S>;

  constructor(initial: S) {
    this.subject = new BehaviorSubject(initial);
    this.state$ = this.subject.asObservable();
  }

  getSnapshot = (): S => this.subject.getValue();

  subscribe = (listener: () => void): (() => void) => {
    let first = true;
    const subscription = this.subject.subscribe(() => {
      if (first) first = false;
      else listener();
    });
    return () => subscription.unsubscribe();
  };

  /** Replaces the snapshot and tells every listener. */
  set(next: S): S {
    this.subject.next(next);
    return next;
  }

  /** No more changes: `state$` completes. */
  complete(): void {
    this.subject.complete();
  }
}
