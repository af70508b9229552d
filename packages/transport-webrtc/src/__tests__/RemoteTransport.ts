import {
  type ByteStreamHeader,
  type ByteStreamReader,
  type ByteStreamWriter,
  bufferUntilSubscribed,
  type Transport,
  TransportError,
  type TransportStatus,
  utf8Length,
} from '@trainwire/core';
import { BehaviorSubject, filter, firstValueFrom, type Observable, Subject } from 'rxjs';

/** What a harness around a real transport reports (see `remoteHarness`). */
export type RemoteEvent =
  | { type: 'status'; status: TransportStatus; maxMessageSize: number }
  | { type: 'message'; text: string }
  | { type: 'stream'; header: ByteStreamHeader }
  | { type: 'chunk'; id: string; b64: string }
  | { type: 'end'; id: string }
  | { type: 'error'; id: string; message: string };

/** Calls into the harness, in order. */
export type RemoteCall = (op: string, args: Record<string, unknown>) => Promise<unknown>;

/**
 * Test-only stand-in for a transport living elsewhere (a Chromium page, a process in a
 * network namespace), so core's compliance suite can drive it from vitest. Bytes cross
 * the harness boundary in base64: test plumbing only, never on the WebRTC wire.
 */
export class RemoteTransport implements Transport {
  readonly status$: Observable<TransportStatus>;
  readonly messages$: Observable<string>;
  readonly byteStreams$: Observable<ByteStreamReader>;
  maxMessageSize = 64 * 1024;
  private readonly status = new BehaviorSubject<TransportStatus>('connecting');
  private readonly messages = new Subject<string>();
  private readonly streams = new Subject<ByteStreamReader>();
  private readonly inbound = new Map<string, Subject<Uint8Array>>();

  constructor(
    readonly id: string,
    private readonly call: RemoteCall,
  ) {
    this.status$ = this.status.asObservable();
    this.messages$ = this.messages.asObservable();
    this.byteStreams$ = this.streams.asObservable();
  }

  onEvent(event: RemoteEvent): void {
    if (event.type === 'status') {
      if (event.status === 'open') this.maxMessageSize = event.maxMessageSize;
      if (this.status.getValue() !== 'closed') this.status.next(event.status);
    } else if (event.type === 'message') this.messages.next(event.text);
    else if (event.type === 'stream') {
      const subject = new Subject<Uint8Array>();
      this.inbound.set(event.header.id, subject);
      this.streams.next({ header: event.header, chunks$: bufferUntilSubscribed(subject) });
    } else if (event.type === 'chunk')
      this.inbound.get(event.id)?.next(Buffer.from(event.b64, 'base64'));
    else if (event.type === 'end') this.inbound.get(event.id)?.complete();
    else this.inbound.get(event.id)?.error(new TransportError('transport_closed', event.message));
  }

  async connect(): Promise<void> {
    const status = await firstValueFrom(
      this.status$.pipe(filter((s) => s === 'open' || s === 'closed')),
    );
    if (status === 'closed') throw new TransportError('transport_closed', `${this.id} is closed`);
  }

  send(message: string): void {
    const status = this.status.getValue();
    if (status !== 'open')
      throw new TransportError(
        status === 'closed' ? 'transport_closed' : 'transport_not_open',
        status,
      );
    const size = utf8Length(message);
    if (size > this.maxMessageSize) throw new TransportError('message_too_large', `${size} bytes`);
    void this.call('send', { text: message });
  }

  async openByteStream(header: ByteStreamHeader): Promise<ByteStreamWriter> {
    await this.call('open', { header });
    const { id } = header;
    return {
      header,
      write: async (chunk) =>
        void (await this.call('write', { id, b64: Buffer.from(chunk).toString('base64') })),
      end: async () => void (await this.call('end', { id })),
      abort: (reason) => void this.call('abort', { id, reason }),
    };
  }

  async close(): Promise<void> {
    if (this.status.getValue() === 'closed') return;
    await this.call('close', {}).catch(() => undefined);
    this.status.next('closed');
  }
}
