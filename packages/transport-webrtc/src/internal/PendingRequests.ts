import type { SchedulerLike, Subscription } from 'rxjs';
import { TransportWebrtcError, type TransportWebrtcErrorCode } from '../errors.js';
import type { ServerMessage } from '../signalingMessages.js';

interface Pending {
  resolve(message: ServerMessage): void;
  reject(error: Error): void;
  timer: Subscription;
}

/** Requests to the signaling server awaiting the answer with their `rid`. */
export class PendingRequests {
  private readonly pending = new Map<string, Pending>();
  private nextRid = 1;

  constructor(
    private readonly timeoutMs: number,
    private readonly scheduler: SchedulerLike,
  ) {}

  /** Sends via `write(rid)` and resolves with the answer; rejects on `error` or timeout. */
  request(
    what: string,
    write: (rid: string) => boolean,
    status: () => string,
  ): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const rid = String(this.nextRid++);
      const timer = this.scheduler.schedule(() => {
        this.pending.delete(rid);
        const message = `no answer to ${what} in ${this.timeoutMs} ms; is the signaling server overloaded?`;
        reject(new TransportWebrtcError('signaling_unreachable', message));
      }, this.timeoutMs);
      this.pending.set(rid, { resolve, reject, timer });
      if (!write(rid)) {
        this.pending.delete(rid);
        timer.unsubscribe();
        const message = `signaling is ${status()}; retry once it is open`;
        reject(new TransportWebrtcError('signaling_closed', message));
      }
    });
  }

  /** Settles the request `message` answers; false when it answers none. */
  settle(message: ServerMessage): boolean {
    const rid = 'rid' in message ? message.rid : undefined;
    const waiting = rid !== undefined ? this.pending.get(rid) : undefined;
    if (!waiting || rid === undefined) return false;
    this.pending.delete(rid);
    waiting.timer.unsubscribe();
    if (message.type === 'error') {
      const details =
        message.retryAfterMs === undefined ? undefined : { retryAfterMs: message.retryAfterMs };
      waiting.reject(
        new TransportWebrtcError(message.code as TransportWebrtcErrorCode, message.message, {
          details,
        }),
      );
    } else waiting.resolve(message);
    return true;
  }

  failAll(error: Error): void {
    for (const waiting of this.pending.values()) {
      waiting.timer.unsubscribe();
      waiting.reject(error);
    }
    this.pending.clear();
  }
}
