import { filter, type Observable, type Subscription, take, throwError, timeout } from 'rxjs';
import { TransportError } from './errors.js';
import type { MethodResult } from './protocol/methods.js';
import type { RpcPeer } from './protocol/RpcPeer.js';
import type { ByteStreamReader } from './Transport.js';

/** A download under way: what the worker said about the file, and its bytes. */
export interface Download {
  name: string;
  /** Size of the whole file. */
  size: number;
  /** SHA-256 of the whole file: check it once every byte is in. */
  sha256: string;
  /** Where these bytes start in the file. */
  offset: number;
  /** The bytes from `offset` on; completes at the end, errors if the link drops. */
  chunks$: Observable<Uint8Array>;
  /** Holds the sender back until a chunk's write settles (see `ByteStreamReader.hold`). */
  hold(pending: Promise<unknown>): void;
}

let counter = 0;

/**
 * Fetches a file from the worker (a model, a checkpoint, predictions) on a byte stream of
 * its own, from `offset` on so a broken download resumes. The caller writes the chunks
 * and verifies `sha256` (Node: `node:crypto`; a browser: WebCrypto on the whole file).
 *
 * @example
 * ```ts
 * const download = await downloadFile(manager.peerFor(), '/data/runs/job-1/model.json');
 * download.chunks$.subscribe((chunk) => out.write(chunk));
 * ```
 */
export async function downloadFile(
  peer: RpcPeer,
  path: string,
  offset = 0,
  openTimeoutMs = 30_000,
): Promise<Download> {
  const transferId = `dl-${Date.now().toString(36)}-${(counter++).toString(36)}`;
  // Listen first: the worker opens the stream before it answers.
  let subscription: Subscription | undefined;
  const stream = new Promise<ByteStreamReader>((resolve, reject) => {
    subscription = peer.transport.byteStreams$
      .pipe(
        filter((s) => s.header.id === transferId),
        take(1),
        timeout({
          first: openTimeoutMs,
          with: () =>
            throwError(
              () =>
                new TransportError(
                  'request_timeout',
                  `the worker did not start sending ${path} within ${openTimeoutMs} ms; check that it is online and fetch again (the download resumes)`,
                ),
            ),
        }),
      )
      .subscribe({
        next: resolve,
        error: reject,
        complete: () =>
          reject(
            new TransportError('transport_closed', 'the link closed before the download started'),
          ),
      });
  });
  // The stream may fail (open timeout, link closed) while the request below is still
  // pending; mark it handled so that is not an unhandled rejection (`await stream` still throws).
  stream.catch(() => undefined);
  let result: MethodResult<'file.download'>;
  try {
    result = await peer.request('file.download', { path, offset, transferId });
  } catch (error) {
    subscription?.unsubscribe();
    throw error;
  }
  const reader = await stream;
  return {
    name: result.name,
    size: result.size,
    sha256: result.sha256,
    offset: result.offset,
    chunks$: reader.chunks$,
    // A transport without `hold` takes each chunk as it is handed over.
    hold: (pending) => reader.hold?.(pending),
  };
}
