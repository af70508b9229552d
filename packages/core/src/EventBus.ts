import { filter, map, type Observable, Subject } from 'rxjs';
import { injectable } from './di.js';
import type { Artifact } from './schemas/Artifact.js';
import type { JobError } from './schemas/JobEvent.js';
import type { JobState } from './schemas/JobState.js';
import type { MetricLogs } from './schemas/ProgressMessage.js';

/** The bus's channels and what each carries. */
export interface EventChannels {
  /** An epoch ended. */
  'training.progress': {
    jobId: string;
    epoch: number;
    totalEpochs: number | null;
    logs: MetricLogs;
  };
  /** A job reached a final state. */
  'training.complete': { jobId: string; state: JobState; error: JobError | null };
  /** A worker registered a checkpoint, model, dataset… */
  'artifact.created': { jobId: string; artifact: Artifact };
  /** A job (an experiment run) changed state. */
  'experiment.status': { jobId: string; state: JobState };
  /** A finished job's model became the active one: hosts hot-swap their weights. */
  'model.activated': { jobId: string; artifact: Artifact };
}

/** A channel name. */
export type EventChannel = keyof EventChannels;

/**
 * A typed event bus: the job manager publishes on it; widgets, the CLI and host
 * applications listen without knowing about sessions.
 *
 * @example
 * ```ts
 * bus.on('model.activated').subscribe(({ artifact }) => host.loadModel(artifact.path));
 * ```
 */
@injectable()
export class EventBus {
  private readonly subject = new Subject<{ channel: EventChannel; payload: unknown }>();

  /** Publishes `payload` on `channel`. */
  emit<C extends EventChannel>(channel: C, payload: EventChannels[C]): void {
    this.subject.next({ channel, payload });
  }

  /** What is published on `channel` from now on. */
  on<C extends EventChannel>(channel: C): Observable<EventChannels[C]> {
    return this.subject.pipe(
      filter((message) => message.channel === channel),
      map((message) => message.payload as EventChannels[C]),
    );
  }
}
