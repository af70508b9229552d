import { takeWithinBytes } from '../JobEventHub.js';
import type { EventPage, JobRecord, JobStore } from '../JobStore.js';
import type { JobEvent } from '../schemas/JobEvent.js';

/** A `JobStore` in memory, for tests and the embedded demo. */
export class InMemoryJobStore implements JobStore {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly events = new Map<string, JobEvent[]>();

  createJob(record: Omit<JobRecord, 'lastSeq'>): void {
    if (this.jobs.has(record.jobId)) throw new Error(`job ${record.jobId} exists`);
    this.jobs.set(record.jobId, { ...record, lastSeq: 0 });
    this.events.set(record.jobId, []);
  }

  getJob(jobId: string): JobRecord | undefined {
    const job = this.jobs.get(jobId);
    return job === undefined ? undefined : { ...job };
  }

  listJobs(): JobRecord[] {
    return [...this.jobs.values()].map((job) => ({ ...job }));
  }

  updateJob(jobId: string, patch: Partial<Omit<JobRecord, 'jobId' | 'lastSeq'>>): void {
    const job = this.jobs.get(jobId);
    if (job === undefined) throw new Error(`no job ${jobId}`);
    Object.assign(job, patch);
  }

  appendEvent(event: JobEvent): void {
    const job = this.jobs.get(event.jobId);
    const list = this.events.get(event.jobId);
    if (job === undefined || list === undefined) throw new Error(`no job ${event.jobId}`);
    if (event.seq !== job.lastSeq + 1)
      throw new Error(`event #${event.seq} is not next after #${job.lastSeq}`);
    list.push(event);
    job.lastSeq = event.seq;
  }

  eventsAfter(jobId: string, afterSeq: number, untilSeq?: number): JobEvent[] {
    const list = this.events.get(jobId) ?? [];
    // seq runs from 1 without gaps, so the index of seq n is n - 1.
    return list.slice(afterSeq, untilSeq === undefined ? undefined : Math.max(afterSeq, untilSeq));
  }

  page(jobId: string, afterSeq: number, untilSeq: number | undefined, maxBytes: number): EventPage {
    return takeWithinBytes(this.eventsAfter(jobId, afterSeq, untilSeq), maxBytes);
  }

  lastSeq(jobId: string): number {
    return this.jobs.get(jobId)?.lastSeq ?? 0;
  }
}
