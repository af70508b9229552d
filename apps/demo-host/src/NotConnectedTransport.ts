import type { ByteStreamWriter, Transport, TransportStatus } from '@trainwire/core';
import { BehaviorSubject, NEVER, type Observable } from 'rxjs';

/**
 * The `JobManager`'s default transport before the user has picked a worker: closed, and
 * every job names its own transport (`submit(spec, { transport })`). Nothing is sent on it.
 */
export class NotConnectedTransport implements Transport {
  readonly id = 'not-connected';
  readonly status$: Observable<TransportStatus> = new BehaviorSubject<TransportStatus>('closed');
  readonly messages$: Observable<string> = NEVER;
  readonly byteStreams$ = NEVER;
  readonly maxMessageSize = 64 * 1024;

  connect(): Promise<void> {
    return Promise.reject(new Error('no worker chosen yet: pick one and press Run'));
  }

  send(): void {
    throw new Error('no worker chosen yet: pick one and press Run');
  }

  openByteStream(): Promise<ByteStreamWriter> {
    return Promise.reject(new Error('no worker chosen yet: pick one and press Run'));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
