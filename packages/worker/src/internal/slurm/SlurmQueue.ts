import { type RunSlurm, slurmMessage } from './runSlurm.js';
import {
  parseSacct,
  parseSqueue,
  SACCT_FORMAT,
  type SlurmJobInfo,
  SQUEUE_FORMAT,
} from './slurmJobs.js';

/** What the queue says of one job at a poll: how it stands, or that Slurm forgot it. */
export type SlurmJobReport = { known: true; job: SlurmJobInfo } | { known: false };

/** Told when `squeue` stops answering, and when it answers again. */
export type QueueTrouble = (problem: string | null) => void;

interface Watch {
  onReport(report: SlurmJobReport): void;
  onTrouble: QueueTrouble;
}

/**
 * Follows the worker's Slurm jobs: one `squeue` for all of them every `intervalMs` (a
 * controller serves a whole cluster; a poll per job would not scale), and `sacct` for a
 * job `squeue` no longer lists. A poll that fails is retried at the next interval; each
 * watcher hears once that Slurm does not answer, and once that it does again.
 */
export class SlurmQueue {
  private readonly watches = new Map<string, Watch>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private again = false;
  private trouble: string | null = null;
  private closed = false;

  constructor(
    private readonly run: RunSlurm,
    private readonly intervalMs: number,
  ) {}

  /** Reports on `slurmJobId` at every poll from now until the returned function is called. */
  watch(slurmJobId: string, watch: Watch): () => void {
    this.watches.set(slurmJobId, watch);
    this.schedule(0);
    return () => {
      this.watches.delete(slurmJobId);
      if (this.watches.size === 0) this.clear();
    };
  }

  /** Polls now (after a `scancel`, say) rather than at the next interval. */
  refresh(): void {
    if (this.watches.size > 0) this.schedule(0);
  }

  /** Asks Slurm about some jobs once, outside the watches (a restarted worker's orphans). */
  async query(ids: readonly string[]): Promise<Map<string, SlurmJobReport> | string> {
    const found = await this.squeue(ids);
    if (typeof found === 'string') return found;
    const reports = new Map<string, SlurmJobReport>();
    const missing = ids.filter((id) => !found.has(id));
    const fromSacct = missing.length > 0 ? await this.sacct(missing) : new Map();
    for (const id of ids) {
      const job = found.get(id) ?? fromSacct.get(id);
      reports.set(id, job ? { known: true, job } : { known: false });
    }
    return reports;
  }

  /** Stops polling. */
  close(): void {
    this.closed = true;
    this.clear();
    this.watches.clear();
  }

  private clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    if (this.polling) {
      // A poll is on its way; one more follows it.
      if (delayMs === 0) this.again = true;
      return;
    }
    this.clear();
    this.timer = setTimeout(() => void this.poll(), delayMs);
  }

  private poll(): Promise<void> {
    this.timer = undefined;
    this.polling = (async () => {
      const ids = [...this.watches.keys()];
      if (ids.length === 0) return;
      const reports = await this.query(ids);
      if (typeof reports === 'string') {
        if (this.trouble === null) {
          this.trouble = reports;
          for (const watch of this.watches.values()) watch.onTrouble(reports);
        }
        return;
      }
      if (this.trouble !== null) {
        this.trouble = null;
        for (const watch of this.watches.values()) watch.onTrouble(null);
      }
      for (const [id, report] of reports) this.watches.get(id)?.onReport(report);
    })().finally(() => {
      this.polling = undefined;
      if (this.watches.size === 0 || this.closed) return;
      const next = this.again ? 0 : this.intervalMs;
      this.again = false;
      this.schedule(next);
    });
    return this.polling;
  }

  /** The jobs squeue lists among `ids` (a job it forgot is left out), or what went wrong. */
  private async squeue(ids: readonly string[]): Promise<Map<string, SlurmJobInfo> | string> {
    const out = await this.run('squeue', [
      '--noheader',
      '--states=all',
      `--jobs=${ids.join(',')}`,
      `--Format=${SQUEUE_FORMAT}`,
    ]);
    if (out.code === 0) return parseSqueue(out.stdout);
    // Every id unknown: squeue says so and fails; that is an answer, not trouble.
    if (/Invalid job id/i.test(out.stderr)) return new Map();
    if (out.missing) return "squeue was not found on this host; install Slurm's client commands";
    return `squeue failed: ${slurmMessage(out)}`;
  }

  private async sacct(ids: readonly string[]): Promise<Map<string, SlurmJobInfo>> {
    const out = await this.run('sacct', [
      '--noheader',
      '--parsable2',
      '--allocations',
      `--jobs=${ids.join(',')}`,
      `--format=${SACCT_FORMAT}`,
    ]);
    // No accounting on this cluster (or no sacct): nothing more is known.
    return out.code === 0 ? parseSacct(out.stdout) : new Map();
  }
}
