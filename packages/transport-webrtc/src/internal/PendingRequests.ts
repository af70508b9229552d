import { TransportWebrtcError, type TransportWebrtcErrorCode } from '../errors.js';
import type { ServerMessage } from '../signalingMessages.js';

interface Pending {
  resolve(message: ServerMessage): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Requests to the signaling server awaiting the answer with their `rid`. */
export class PendingRequests {
  private readonly pending = new Map<string, Pending>();
  private nextRid = 1;

  constructor(private readonly timeoutMs: number) {}

  /** Sends via `write(rid)` and resolves with the answer; rejects on `error` or timeout. */
  request(
    what: string,
    write: (rid: string) => boolean,
    status: () => string,
  ): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const rid = String(this.nextRid++);
      const timer = setTimeout(() => {
        this.pending.delete(rid);
        const message = `no answer to ${what} in ${this.timeoutMs} ms; is the signaling server overloaded?`;
        reject(new TransportWebrtcError('signaling_unreachable', message));
      }, this.timeoutMs);
      this.pending.set(rid, { resolve, reject, timer });
      if (!write(rid)) {
        this.pending.delete(rid);
        clearTimeout(timer);
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
    clearTimeout(waiting.timer);
    if (message.type === 'error') {
      waiting.reject(
        new TransportWebrtcError(message.code as TransportWebrtcErrorCode, message.message),
      );
    } else waiting.resolve(message);
    return true;
  }

  failAll(error: Error): void {
    for (const waiting of this.pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
    }
    this.pending.clear();
  }
}
