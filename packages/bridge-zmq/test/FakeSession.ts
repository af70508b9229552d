import type { JobEvent, JobStage, ProgressMessage } from '@trainwire/core';
import { Subject } from 'rxjs';

/** The part of a JobSession a viewer feed uses, driven by the test. */
export class FakeSession {
  readonly events = new Subject<JobEvent>();
  readonly events$ = this.events.asObservable();
  stopCalls = 0;
  private seq = 0;

  /** `onStop` runs on each stop(), as a worker would stop the trainer. */
  constructor(private readonly onStop: () => Promise<void> = async () => {}) {}

  /** Emits a progress event with the next `seq` (of a pipeline's `stage`, when given). */
  progress(progress: ProgressMessage, stage?: JobStage): void {
    this.seq++;
    this.events.next({
      type: 'progress',
      jobId: 'job-1',
      seq: this.seq,
      ts: Date.now(),
      progress,
      ...(stage === undefined ? {} : { stage }),
    });
  }

  /** Emits a log event (not progress) with the next `seq`. */
  log(line: string): void {
    this.seq++;
    this.events.next({
      type: 'log',
      jobId: 'job-1',
      seq: this.seq,
      ts: Date.now(),
      stream: 'stdout',
      line,
    });
  }

  /** Skips `n` sequence numbers, as if events were lost upstream. */
  lose(n: number): void {
    this.seq += n;
  }

  async stop(): Promise<void> {
    this.stopCalls++;
    await this.onStop();
  }
}
