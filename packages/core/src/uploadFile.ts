import { isTrainwireError } from './errors.js';
import type { LocalFile } from './LocalFile.js';
import type { RpcPeer } from './protocol/RpcPeer.js';
import { TransferMeter, type TransferProgress } from './TransferProgress.js';

/** Options of {@link uploadFile}. */
export interface UploadOptions {
  /** Progress, a few times a second and once at the start. */
  onProgress?: (progress: TransferProgress) => void;
  /** The clock for rate and ETA (milliseconds). */
  now?: () => number;
  /** Tries before giving up on a dropped link or a corrupt result (3). */
  attempts?: number;
}

const RETRYABLE = ['transport_not_open', 'transport_closed', 'upload_corrupt', 'request_timeout'];

/**
 * Sends a local file to the worker and resolves with its path there. Nothing is sent when
 * the worker already has a file with the same SHA-256; an interrupted upload resumes from
 * the offset the worker kept, and the worker verifies size and hash at the end.
 *
 * @example
 * ```ts
 * const path = await uploadFile(manager.peerFor(), file, {
 *   onProgress: (p) => console.log(`${p.bytes} of ${p.total} bytes`),
 * });
 * ```
 */
export async function uploadFile(
  peer: RpcPeer,
  file: LocalFile,
  { onProgress, now = Date.now, attempts = 3 }: UploadOptions = {},
): Promise<string> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const begun = await peer.request('upload.begin', {
      name: file.name,
      size: file.size,
      sha256: file.sha256,
    });
    if (begun.have) return begun.path;
    try {
      const writer = await peer.transport.openByteStream({
        id: begun.transferId,
        name: file.name,
        size: file.size,
        sha256: file.sha256,
        offset: begun.offset,
      });
      let sent = begun.offset;
      const meter = new TransferMeter(file.name, file.size, sent, now);
      const first = meter.update(sent);
      if (first !== undefined) onProgress?.(first);
      for await (const chunk of file.read(begun.offset)) {
        await writer.write(chunk);
        sent += chunk.length;
        const progress = meter.update(sent);
        if (progress !== undefined) onProgress?.(progress);
      }
      await writer.end();
      return (await peer.request('upload.finish', { transferId: begun.transferId })).path;
    } catch (caught) {
      const error = isTrainwireError(caught, 'stream_refused')
        ? await verdictOf(peer, begun.transferId, caught)
        : caught;
      lastError = error;
      if (!isTrainwireError(error) || !RETRYABLE.includes(error.code)) throw error;
    }
  }
  throw lastError;
}

/**
 * The worker turned the bytes down midway (its disk could not take them): `upload.finish`
 * says why in the worker's words (`no_space`, `upload_corrupt`) and clears what arrived.
 */
async function verdictOf(peer: RpcPeer, transferId: string, refusal: unknown): Promise<unknown> {
  return peer.request('upload.finish', { transferId }).then(
    () => refusal,
    (verdict: unknown) => verdict,
  );
}
