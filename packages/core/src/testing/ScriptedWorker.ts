import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import { TrainwireError } from '../errors.js';
import { JobEventHub } from '../JobEventHub.js';
import { baseName } from '../paths/pathParts.js';
import { type MethodHandlers, toJobSummary } from '../protocol/methods.js';
import { RpcPeer } from '../protocol/RpcPeer.js';
import type { JobSpec } from '../schemas/JobSpec.js';
import { isFinalJobState } from '../schemas/JobState.js';
import type { WorkerInfo } from '../schemas/WorkerInfo.js';
import type { Transport } from '../Transport.js';
import { InMemoryJobStore } from './InMemoryJobStore.js';

/** How a {@link ScriptedWorker} behaves. */
export interface ScriptedWorkerOptions {
  name?: string;
  /** Time one scripted epoch takes. */
  epochMs?: number;
  scheduler?: SchedulerLike;
  /**
   * Files the worker "has", by path, for `paths.check`; those with `content` can be
   * downloaded (`file.download`) and hashed (`paths.check` with `sha256`).
   */
  files?: Record<string, { size: number; content?: Uint8Array }>;
  /** The job fails (exit code 1) when this epoch (0-based) ends. */
  failAtEpoch?: number;
  maxConcurrentJobs?: number;
  /**
   * Room for upload bytes: past it, the write of a chunk fails as on a full disk (the
   * stream is turned down, `upload.finish` answers `no_space`).
   */
  uploadRoomBytes?: number;
}

interface RunningJob {
  epoch: number;
  total: number;
  stopRequested: boolean;
  timer: Subscription | undefined;
}

/**
 * A worker that follows a script instead of running a trainer: it serves the whole
 * protocol (jobs, events, paths, uploads) over any transport, so the core, the CLI and
 * the widgets can be tested end to end without a GPU, Python or network.
 */
export class ScriptedWorker {
  readonly store = new InMemoryJobStore();
  readonly info: WorkerInfo;
  private readonly hub: JobEventHub;
  private readonly scheduler: SchedulerLike;
  private readonly epochMs: number;
  private readonly files: Map<string, { size: number; content?: Uint8Array }>;
  private readonly running = new Map<string, RunningJob>();
  private readonly uploads = new Map<
    string,
    {
      name: string;
      size: number;
      sha256: string;
      chunks: Uint8Array[];
      received: number;
      /** Its bytes did not fit (`uploadRoomBytes`). */
      full?: boolean;
    }
  >();

  constructor(private readonly options: ScriptedWorkerOptions = {}) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.epochMs = options.epochMs ?? 50;
    this.files = new Map(Object.entries(options.files ?? {}));
    this.hub = new JobEventHub(this.store, () => this.scheduler.now());
    const name = options.name ?? 'scripted-worker';
    this.info = {
      id: name,
      name,
      gpu: null,
      cpu: { model: 'scripted', cores: 1 },
      ramMiB: 1024,
      status: 'available',
      versions: { protocol: '1' },
      capabilities: ['builtin', 'sleap-nn'],
      tags: [],
    };
  }

  /** Serves the protocol on one connection. */
  accept(transport: Transport): RpcPeer {
    const peer = new RpcPeer(transport, { scheduler: this.scheduler });
    peer.serve(this.handlers());
    transport.byteStreams$.subscribe((stream) => {
      const upload = this.uploads.get(stream.header.id);
      if (upload === undefined) return;
      upload.chunks.length = 0;
      upload.received = 0;
      upload.full = false;
      const room = this.options.uploadRoomBytes ?? Number.POSITIVE_INFINITY;
      stream.chunks$.subscribe({
        next: (chunk) => {
          if (upload.full) return;
          if (upload.received + chunk.length > room) {
            upload.full = true;
            stream.hold?.(Promise.reject(new Error('ENOSPC: no space left on device, write')));
            return;
          }
          upload.chunks.push(chunk);
          upload.received += chunk.length;
        },
        error: () => undefined,
      });
    });
    return peer;
  }

  /** Files the worker has now (scripted ones and uploads). */
  hasFile(path: string): boolean {
    return this.files.has(path);
  }

  private handlers(): MethodHandlers {
    return {
      'worker.info': () => ({ ...this.info, status: this.running.size > 0 ? 'busy' : 'available' }),
      'job.start': ({ jobId, spec }, { peer }) => {
        const existing = this.store.getJob(jobId);
        if (existing === undefined) {
          const limit = this.options.maxConcurrentJobs ?? 1;
          if (this.running.size >= limit) {
            throw new TrainwireError(
              'worker_busy',
              `${this.info.name} already runs ${limit} job(s); wait for it to finish or pick another worker`,
            );
          }
          this.store.createJob({
            jobId,
            spec,
            state: 'starting',
            workerId: this.info.id,
            createdAt: this.scheduler.now(),
          });
          this.hub.attach(jobId, peer);
          this.begin(jobId, spec);
        } else {
          this.hub.attach(jobId, peer);
        }
        const record = this.store.getJob(jobId)!;
        return { jobId, state: record.state, lastSeq: record.lastSeq };
      },
      'job.attach': ({ jobId }, { peer }) => {
        const record = this.requireJob(jobId);
        this.hub.attach(jobId, peer);
        return { jobId, spec: record.spec, state: record.state, lastSeq: record.lastSeq };
      },
      'job.events': ({ jobId, afterSeq, untilSeq }, { maxResultBytes }) => {
        this.requireJob(jobId);
        return this.hub.page(jobId, afterSeq, untilSeq, maxResultBytes);
      },
      'job.stop': ({ jobId }) => {
        const job = this.running.get(jobId);
        if (job !== undefined && !job.stopRequested) {
          job.stopRequested = true;
          this.setState(jobId, 'stopping', {
            reason: 'stop requested: finishing the epoch and saving',
          });
        }
        return { state: this.requireJob(jobId).state };
      },
      'job.cancel': ({ jobId }) => {
        const job = this.running.get(jobId);
        if (job !== undefined) {
          job.timer?.unsubscribe();
          this.running.delete(jobId);
          this.setState(jobId, 'cancelled', { reason: 'cancelled by the user' });
        }
        return { state: this.requireJob(jobId).state };
      },
      'job.list': () => ({ jobs: this.store.listJobs().map(toJobSummary) }),
      'paths.check': async ({ paths, findCandidates, sha256 }) => ({
        results: await Promise.all(
          paths.map(async (path) => {
            const file = this.files.get(path);
            if (file !== undefined)
              return {
                path,
                exists: true,
                size: file.size,
                ...(sha256 === true && file.content !== undefined
                  ? { sha256: await sha256Hex(file.content) }
                  : {}),
              };
            if (!findCandidates) return { path, exists: false };
            const name = baseName(path);
            const candidates = [...this.files]
              .filter(([p]) => baseName(p) === name)
              .map(([p, f]) => ({ path: p, size: f.size }));
            return { path, exists: false, candidates };
          }),
        ),
      }),
      'file.download': async ({ path, offset, transferId }, { peer }) => {
        const content = this.files.get(path)?.content;
        if (content === undefined)
          throw new TrainwireError('not_found', `the worker has no file ${path} to send`, {
            details: { path },
          });
        const header = {
          id: transferId,
          name: baseName(path),
          size: content.length,
          sha256: await sha256Hex(content),
          offset,
        };
        const writer = await peer.transport.openByteStream(header);
        void (async () => {
          // Two chunks, so a test can break the link between them.
          const rest = content.subarray(offset);
          const half = Math.ceil(rest.length / 2);
          await writer.write(rest.subarray(0, half));
          await writer.write(rest.subarray(half));
          await writer.end();
        })().catch((error: unknown) => writer.abort(String(error)));
        return { transferId, name: header.name, size: header.size, sha256: header.sha256, offset };
      },
      'upload.begin': ({ name, size, sha256 }) => {
        const have = `/uploads/${sha256}/${name}`;
        if (this.files.has(have)) return { have: true as const, path: have };
        const transferId = `up-${sha256.slice(0, 16)}`;
        const upload = this.uploads.get(transferId);
        if (upload === undefined)
          this.uploads.set(transferId, { name, size, sha256, chunks: [], received: 0 });
        return { have: false as const, transferId, offset: 0 };
      },
      'upload.finish': async ({ transferId }) => {
        const upload = this.uploads.get(transferId);
        if (upload === undefined)
          throw new TrainwireError(
            'unknown_transfer',
            `no upload ${transferId}; start it again with upload.begin`,
          );
        if (upload.full) {
          this.uploads.delete(transferId);
          throw new TrainwireError(
            'no_space',
            `the disk of ${this.info.name} is full: ${upload.name} did not fit and what had arrived was removed; free space there, then try again`,
          );
        }
        const bytes = concat(upload.chunks, upload.received);
        const digest = await sha256Hex(bytes);
        if (bytes.length !== upload.size || digest !== upload.sha256) {
          this.uploads.delete(transferId);
          throw new TrainwireError(
            'upload_corrupt',
            `upload of ${upload.name} arrived with ${bytes.length} bytes and hash ${digest.slice(0, 12)}…; expected ${upload.size} bytes and ${upload.sha256.slice(0, 12)}…; send it again`,
          );
        }
        const path = `/uploads/${upload.sha256}/${upload.name}`;
        this.files.set(path, { size: upload.size });
        this.uploads.delete(transferId);
        return { path };
      },
    };
  }

  private begin(jobId: string, spec: JobSpec): void {
    const total = spec.predict === undefined ? totalEpochsOf(spec) : itemsOf(spec);
    const job: RunningJob = { epoch: 0, total, stopRequested: false, timer: undefined };
    this.running.set(jobId, job);
    this.hub.emit(jobId, { type: 'state', state: 'starting' });
    this.setState(jobId, 'running');
    if (spec.predict !== undefined) {
      job.timer = this.scheduler.schedule(() => this.predictItem(jobId, job), this.epochMs);
      return;
    }
    this.hub.emit(jobId, {
      type: 'progress',
      progress: { event: 'train_begin', what: jobId, total_epochs: total },
    });
    this.scheduleEpoch(jobId, job);
  }

  private scheduleEpoch(jobId: string, job: RunningJob): void {
    this.hub.emit(jobId, {
      type: 'progress',
      progress: { event: 'epoch_begin', epoch: job.epoch },
    });
    job.timer = this.scheduler.schedule(() => this.endEpoch(jobId, job), this.epochMs);
  }

  private endEpoch(jobId: string, job: RunningJob): void {
    const epoch = job.epoch;
    const loss = 1 / (epoch + 1);
    this.hub.emit(jobId, {
      type: 'progress',
      progress: { event: 'batch_end', epoch, batch: 0, logs: { loss } },
    });
    this.hub.emit(jobId, {
      type: 'log',
      stream: 'stderr',
      line: `epoch ${epoch + 1}: 100%`,
      replace: true,
    });
    this.hub.emit(jobId, {
      type: 'progress',
      progress: { event: 'epoch_end', epoch, logs: { 'train/loss': loss, 'val/loss': loss * 1.1 } },
    });
    if (this.options.failAtEpoch === epoch) {
      this.running.delete(jobId);
      this.setState(jobId, 'failed', {
        exitCode: 1,
        error: {
          code: 'trainer_failed',
          message: `trainer exited with code 1 at epoch ${epoch + 1}`,
        },
      });
      return;
    }
    job.epoch++;
    const last = job.epoch >= job.total;
    if (last || job.stopRequested) {
      this.hub.emit(jobId, {
        type: 'artifact',
        artifact: {
          id: `${jobId}-last`,
          kind: 'checkpoint',
          path: `/runs/${jobId}/last.ckpt`,
          size: 1024,
          epoch,
          label: 'last',
        },
      });
      this.hub.emit(jobId, { type: 'progress', progress: { event: 'train_end' } });
      this.running.delete(jobId);
      this.setState(jobId, 'completed', last ? {} : { reason: 'stopped_early' });
      return;
    }
    this.scheduleEpoch(jobId, job);
  }

  /**
   * A predict job: one item per `epochMs` (`batch_end` with `items_done`), then one
   * JSONL line per item as `/runs/JOB/predictions.jsonl`, registered with its SHA-256
   * and downloadable. A stop keeps the items done.
   */
  private predictItem(jobId: string, job: RunningJob): void {
    job.epoch++;
    this.hub.emit(jobId, {
      type: 'progress',
      progress: {
        event: 'batch_end',
        batch: job.epoch - 1,
        logs: {},
        items_done: job.epoch,
        items_total: job.total,
      },
    });
    if (job.epoch < job.total && !job.stopRequested) {
      job.timer = this.scheduler.schedule(() => this.predictItem(jobId, job), this.epochMs);
      return;
    }
    const lines = Array.from(
      { length: job.epoch },
      (_, n) => `${JSON.stringify({ index: n, label: String(n % 3) })}\n`,
    );
    const content = new TextEncoder().encode(lines.join(''));
    const path = `/runs/${jobId}/predictions.jsonl`;
    this.files.set(path, { size: content.length, content });
    void sha256Hex(content).then((sha256) => {
      if (!this.running.has(jobId)) return; // cancelled meanwhile
      this.hub.emit(jobId, {
        type: 'artifact',
        artifact: {
          id: `${jobId}:predictions`,
          kind: 'predictions',
          path,
          size: content.length,
          sha256,
        },
      });
      this.running.delete(jobId);
      this.setState(jobId, 'completed', job.epoch < job.total ? { reason: 'stopped_early' } : {});
    });
  }

  private setState(
    jobId: string,
    state: 'starting' | 'running' | 'stopping' | 'completed' | 'failed' | 'cancelled',
    extra: { reason?: string; exitCode?: number; error?: { code: string; message: string } } = {},
  ): void {
    const record = this.store.getJob(jobId);
    if (record === undefined || isFinalJobState(record.state)) return;
    this.store.updateJob(jobId, {
      state,
      ...(isFinalJobState(state) ? { endedAt: this.scheduler.now() } : {}),
    });
    this.hub.emit(jobId, { type: 'state', state, ...extra });
  }

  private requireJob(jobId: string) {
    const record = this.store.getJob(jobId);
    if (record === undefined)
      throw new TrainwireError(
        'unknown_job',
        `${this.info.name} has no job ${jobId}; list jobs with \`trainwire jobs\``,
      );
    return record;
  }
}

/** Items of a scripted predict job: its config's `items`, else 4. */
function itemsOf(spec: JobSpec): number {
  const items = (spec.config as { items?: unknown }).items;
  return typeof items === 'number' && items >= 1 ? items : 4;
}

function totalEpochsOf(spec: JobSpec): number {
  const config = spec.config as { epochs?: unknown; trainer_config?: { max_epochs?: unknown } };
  const epochs = config.epochs ?? config.trainer_config?.max_epochs;
  return typeof epochs === 'number' && epochs >= 1 ? epochs : 5;
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** SHA-256 of `bytes` as lowercase hex, with WebCrypto (Node and browsers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
