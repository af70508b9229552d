import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { type Artifact, ArtifactSchema, type NewJobEvent } from '@trainwire/core';
import type { ArtifactStore, ModelVersion } from '../store/ArtifactStore.js';
import { type FoundCheckpoint, newestCheckpoint, scanCheckpoints } from './scanCheckpoints.js';
import { sha256File } from './sha256File.js';

/**
 * Registers what a job produces: checkpoints found in its checkpoint folder (after each
 * epoch and at exit), artifacts the trainer announces on stdout, and the final model.
 * Each is stored, then pushed as an `artifact` event, inside `write` (the job runner's
 * guarded store transaction).
 */
export class ArtifactTracker {
  /** Epochs finished, for checkpoints whose name carries no epoch. */
  epochsDone = 0;
  /** The epochs the trainer said it runs (its `train_begin`), when it said. */
  totalEpochs: number | undefined;
  private readonly checkpoints = new Map<string, FoundCheckpoint>();
  private readonly seen = new Map<string, string>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly artifacts: ArtifactStore,
    private readonly emit: (event: NewJobEvent) => void,
    private readonly jobId: string,
    private readonly checkpointDir: string,
    private readonly write: (fn: () => void) => void = (fn) => fn(),
    /** What artifact ids start with: the job id, or `JOB:STAGE` for a pipeline stage. */
    private readonly idPrefix: string = jobId,
  ) {}

  /** Looks for new or changed checkpoints (in the background, in order). */
  scan(): void {
    this.enqueue(async () => {
      for (const found of await scanCheckpoints(this.checkpointDir)) {
        const key = `${found.size}:${found.mtimeMs}`;
        if (this.seen.get(found.path) === key) continue;
        this.seen.set(found.path, key);
        const epoch = found.epoch ?? (this.epochsDone > 0 ? this.epochsDone - 1 : undefined);
        // Known before it is stored: a job that ends on a failing store still names it.
        this.checkpoints.set(found.path, found);
        this.record({
          id: artifactId(this.idPrefix, 'checkpoint', found.name),
          kind: 'checkpoint',
          path: found.path,
          size: found.size,
          sha256: await sha256File(found.path),
          ...(epoch === undefined ? {} : { epoch }),
          ...(found.label ? { label: found.label } : {}),
        });
      }
    });
  }

  /** A trainer announced an artifact: `trainwire:artifact {"kind":…,"path":…}`. */
  announce(json: string): void {
    this.enqueue(async () => {
      const parsed = ArtifactSchema.omit({ id: true, size: true }).safeParse(safeJson(json));
      if (!parsed.success) return;
      const info = await stat(parsed.data.path).catch(() => undefined);
      if (!info?.isFile()) return;
      this.record({
        ...parsed.data,
        id: artifactId(this.idPrefix, parsed.data.kind, parsed.data.path),
        size: info.size,
        sha256: await sha256File(parsed.data.path),
      });
    });
  }

  /**
   * Registers a file the worker knows the job made (a predict job's predictions) under
   * `JOB:KIND` (`JOB:STAGE:KIND` for a stage): hashed, stored, pushed.
   */
  registerFile(kind: Artifact['kind'], path: string): void {
    this.enqueue(async () => {
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) return;
      this.record({
        id: `${this.idPrefix}:${kind}`,
        kind,
        path,
        size: info.size,
        sha256: await sha256File(path),
      });
    });
  }

  /** Resolves once everything queued was registered. */
  settled(): Promise<void> {
    return this.queue;
  }

  /** The `last` checkpoint, else the newest one. */
  get lastCheckpoint(): string | undefined {
    return newestCheckpoint([...this.checkpoints.values()])?.path;
  }

  /** Epochs done according to the newest checkpoint (0 when it says nothing). */
  get epochsSaved(): number {
    const epoch = newestCheckpoint([...this.checkpoints.values()])?.epoch;
    return epoch === undefined ? 0 : epoch + 1;
  }

  /** The file the job's model is made of: the best checkpoint, else the last one. */
  get modelSource(): string | undefined {
    const best = [...this.checkpoints.values()].find((c) => c.label === 'best');
    return best?.path ?? this.lastCheckpoint;
  }

  /**
   * Registers the best (else last) checkpoint as the job's model, the new active version
   * of `name`; answers that version and the one active before (for `model.activated`).
   */
  registerModel(name: string): { model: ModelVersion; previous?: number } | undefined {
    const best = [...this.checkpoints.values()].find((c) => c.label === 'best');
    const source = best ?? this.checkpoints.get(this.lastCheckpoint ?? '');
    if (!source) return undefined;
    const checkpoint = this.artifacts.get(artifactId(this.idPrefix, 'checkpoint', source.name));
    if (!checkpoint) return undefined;
    let activated: { model: ModelVersion; previous?: number } | undefined;
    this.write(() => {
      const model = this.artifacts.add(
        { ...checkpoint, id: `${this.idPrefix}:model`, kind: 'model', label: 'final' },
        this.jobId,
      );
      const { version } = this.artifacts.registerModel(name, model.id, false);
      activated = this.artifacts.activateModel(name, version);
      this.emit({ type: 'artifact', artifact: model });
    });
    return activated;
  }

  private record(artifact: Artifact): void {
    this.write(() => {
      const stored = this.artifacts.add({ ...artifact, experimentId: this.jobId }, this.jobId);
      this.emit({ type: 'artifact', artifact: stored });
    });
  }

  private enqueue(task: () => Promise<void>): void {
    // A file that vanished mid-scan is skipped; the next scan sees the current state.
    this.queue = this.queue.then(task).catch(() => {});
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The longest artifact id the protocol carries (`ArtifactSchema.id`). */
const MAX_ID = 128;

/**
 * The id of artifact `name` (a file name or an announced path) of kind `kind` of a job:
 * `PREFIX:KIND:NAME` when that fits the protocol's 128 characters; else its start and a
 * hash of the whole (`PREFIX:KIND:…~HASH`), so a deep path still gets a stable, unique id.
 */
export function artifactId(prefix: string, kind: string, name: string): string {
  const plain = `${prefix}:${kind}:${name}`;
  if (plain.length <= MAX_ID) return plain;
  const hash = createHash('sha256').update(plain).digest('hex').slice(0, 20);
  const head = `${prefix}:${kind}:`;
  const room = MAX_ID - head.length - hash.length - 1;
  // A prefix too long to leave room for a readable part: the hash alone says it.
  if (room < 8) return `${prefix.slice(0, MAX_ID - hash.length - 1)}~${hash}`;
  // The end of a path says most (its file name).
  return `${head}${name.slice(-room)}~${hash}`;
}
