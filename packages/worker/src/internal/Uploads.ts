import { createHash } from 'node:crypto';
import { chmod, open, rename, rm, rmdir, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { ByteStreamReader } from '@trainwire/core';
import { WorkerError } from '../errors.js';
import type { PeerIdentity } from '../PeerIdentity.js';
import type { UploadStore } from '../store/UploadStore.js';
import { type DiskSpace, formatBytes, isDiskFull } from './DiskSpace.js';
import { type FileModes, makeDir } from './FileModes.js';
import { sha256File } from './sha256File.js';

interface Transfer {
  /** The uploader's credential; undefined for the local mode. */
  owner: string | undefined;
  sha256: string;
  name: string;
  size: number;
  partial: string;
  /** Settles when the current byte stream ended (or failed). */
  done: Promise<void> | undefined;
  arrived: () => void;
  whenArrived: Promise<void>;
  error: Error | undefined;
}

const STREAM_WAIT_MS = 10_000;

/**
 * Receives uploads into `dir`, content-addressed by SHA-256 and kept per uploader: a file
 * an uploader sent is not sent again by them, a partial upload resumes from its offset
 * (also after a restart), and a file is only usable once its size and hash were verified.
 * Another member who has the same bytes sends them too (knowing a hash, which job specs
 * show, proves nothing); the local mode (no identity) may use every upload. A bad upload
 * leaves nothing behind; one that cannot fit on the disk is refused up front
 * (`no_space`), and one that fills the disk midway is removed.
 */
export class Uploads {
  private readonly transfers = new Map<string, Transfer>();

  constructor(
    private readonly store: UploadStore,
    private readonly dir: string,
    private readonly space: DiskSpace,
    private readonly modes: FileModes,
  ) {
    makeDir(dir, modes);
    makeDir(join(dir, '.partial'), modes);
  }

  /**
   * Starts (or resumes, or skips) an upload for `identity` (none: the local mode).
   *
   * @example
   * ```ts
   * const begun = await uploads.begin({ name: 'a.csv', size, sha256 }, transport.remote);
   * ```
   */
  async begin(
    request: { name: string; size: number; sha256: string },
    identity?: PeerIdentity,
  ): Promise<{ have: true; path: string } | { have: false; transferId: string; offset: number }> {
    const owner = identity?.credentialId;
    for (;;) {
      const known =
        owner === undefined
          ? (this.store.anyComplete(request.sha256) ?? this.store.get(request.sha256, undefined))
          : this.store.get(request.sha256, owner);
      if (!known?.complete) break;
      const info = await stat(known.path).catch(() => undefined);
      if (info?.size === known.size) return { have: true, path: known.path };
      this.store.delete(request.sha256, known.ownerCredentialId);
    }
    const tag = owner === undefined ? undefined : ownerTag(owner);
    const transferId =
      tag === undefined
        ? `up-${request.sha256.slice(0, 40)}`
        : `up-${request.sha256.slice(0, 32)}-${tag}`;
    // Bytes of an earlier attempt may still be on their way to the disk.
    await this.transfers.get(transferId)?.done;
    const partial = join(
      this.dir,
      '.partial',
      tag === undefined ? request.sha256 : `${request.sha256}.${tag}`,
    );
    let offset = (await stat(partial).catch(() => undefined))?.size ?? 0;
    if (offset > request.size) {
      await truncate(partial, 0);
      offset = 0;
    }
    this.space.checkForUpload(this.dir, request.name, request.size - offset);
    try {
      this.store.put({
        ...request,
        path: partial,
        complete: false,
        ...(owner === undefined ? {} : { ownerCredentialId: owner }),
      });
    } catch (error) {
      if (isDiskFull(error))
        throw this.space.diskFull(`the upload of ${request.name} could not be recorded`, error);
      throw error;
    }
    let arrived = () => {};
    const whenArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    this.transfers.set(transferId, {
      ...request,
      owner,
      name: safeName(request.name),
      partial,
      done: undefined,
      arrived,
      whenArrived,
      error: undefined,
    });
    return { have: false, transferId, offset };
  }

  /**
   * Takes one inbound byte stream from the connection of `identity`. A stream whose id no
   * `upload.begin` of that uploader announced is refused (`unknown_transfer`), its bytes
   * unread.
   */
  receive(stream: ByteStreamReader, identity?: PeerIdentity): void {
    const transfer = this.transfers.get(stream.header.id);
    if (!transfer || !mayWrite(transfer, identity)) {
      stream.refuse?.(
        'unknown_transfer',
        `no upload ${stream.header.id.slice(0, 128)} was announced on this connection; call upload.begin first and send the bytes under the transferId it answers`,
      );
      return;
    }
    transfer.error = undefined;
    transfer.done = this.write(transfer, stream).catch(async (error: Error) => {
      transfer.error = error;
      // The bytes of a file that did not fit only hold the space that is missing.
      if (isDiskFull(error)) await rm(transfer.partial, { force: true });
    });
    transfer.arrived();
  }

  /** Verifies an upload of `identity` and answers the path a job names it by. */
  async finish(transferId: string, identity?: PeerIdentity): Promise<{ path: string }> {
    const transfer = this.transfers.get(transferId);
    if (!transfer || !mayWrite(transfer, identity)) {
      throw new WorkerError(
        'unknown_transfer',
        `no upload ${transferId} in progress; start it again with upload.begin`,
      );
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      transfer.whenArrived,
      new Promise<void>((r) => {
        timer = setTimeout(r, STREAM_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    await transfer.done;
    const info = await stat(transfer.partial).catch(() => undefined);
    const size = info?.size ?? 0;
    if (transfer.error === undefined && size < transfer.size) {
      // Bytes missing (the link dropped): keep them, the client resumes from `size`.
      throw new WorkerError(
        'upload_corrupt',
        `upload of ${transfer.name} is incomplete (${size} of ${transfer.size} bytes); send the rest with upload.begin`,
      );
    }
    if (transfer.error !== undefined && isDiskFull(transfer.error)) {
      // No half file stays behind: it would only hold the space that is missing.
      await this.discard(transferId, transfer);
      throw this.space.diskFull(
        `${transfer.name} (${formatBytes(transfer.size)}) did not fit and what had arrived was removed`,
        transfer.error,
      );
    }
    const digest = info ? await sha256File(transfer.partial) : '';
    if (transfer.error !== undefined || size !== transfer.size || digest !== transfer.sha256) {
      await this.discard(transferId, transfer);
      throw new WorkerError(
        'upload_corrupt',
        `upload of ${transfer.name} was refused and removed: ${transfer.error?.message ?? `it arrived with ${size} bytes and SHA-256 ${digest.slice(0, 12)}…, expected ${transfer.size} bytes and ${transfer.sha256.slice(0, 12)}…`}; send it again`,
      );
    }
    const folder = join(this.dir, transfer.sha256);
    const path = join(folder, transfer.name);
    const existed = (await stat(path).catch(() => undefined)) !== undefined;
    try {
      makeDir(folder, this.modes);
      await chmod(transfer.partial, this.modes.file);
      // Another uploader's file of this name holds the same (verified) bytes: replacing it
      // changes nothing for them.
      await rename(transfer.partial, path);
      this.store.put({
        sha256: transfer.sha256,
        name: transfer.name,
        size,
        path,
        complete: true,
        ...(transfer.owner === undefined ? {} : { ownerCredentialId: transfer.owner }),
      });
    } catch (error) {
      if (!isDiskFull(error)) throw error;
      if (!existed) await rm(path, { force: true });
      await rmdir(folder).catch(() => {}); // only when no other upload is in it
      await this.discard(transferId, transfer);
      throw this.space.diskFull(`${transfer.name} arrived but could not be recorded`, error);
    }
    this.transfers.delete(transferId);
    return { path };
  }

  /** Removes a transfer's bytes and record. */
  private async discard(transferId: string, transfer: Transfer): Promise<void> {
    await rm(transfer.partial, { force: true });
    this.transfers.delete(transferId);
    try {
      this.store.delete(transfer.sha256, transfer.owner);
    } catch {
      // A delete that does not fit leaves a record of a partial that is gone; the next
      // upload.begin finds no bytes and starts at 0.
    }
  }

  private async write(transfer: Transfer, stream: ByteStreamReader): Promise<void> {
    const current = (await stat(transfer.partial).catch(() => undefined))?.size ?? 0;
    const offset = stream.header.offset;
    if (offset > current) {
      throw new Error(
        `the stream starts at byte ${offset} but only ${current} bytes arrived before`,
      );
    }
    const file = await open(transfer.partial, current === 0 ? 'w' : 'r+', this.modes.file);
    try {
      if (offset < current) await file.truncate(offset);
      let position = offset;
      await new Promise<void>((resolve, reject) => {
        let queue = Promise.resolve();
        stream.chunks$.subscribe({
          next: (chunk) => {
            queue = queue.then(async () => {
              if (position + chunk.length > transfer.size) {
                throw new Error(`more bytes arrived than the announced ${transfer.size}`);
              }
              await file.write(chunk, 0, chunk.length, position);
              position += chunk.length;
            });
            queue.catch(reject);
            // The sender waits for this disk rather than the chunks piling up here.
            stream.hold?.(queue);
          },
          error: (error: unknown) => {
            queue.then(
              () => reject(new Error(`the upload stream broke: ${String(error)}`)),
              reject,
            );
          },
          complete: () => {
            queue.then(resolve, reject);
          },
        });
      });
    } finally {
      await file.close();
    }
  }
}

/** The local mode may finish any transfer; a member only their own. */
function mayWrite(transfer: Transfer, identity: PeerIdentity | undefined): boolean {
  return identity === undefined || transfer.owner === identity.credentialId;
}

/** A credential id as a file-name-safe tag (it may hold any character). */
function ownerTag(credentialId: string): string {
  return createHash('sha256').update(credentialId).digest('hex').slice(0, 16);
}

function safeName(name: string): string {
  const base = name.replace(/[\\/\0]/g, '_');
  return base === '.' || base === '..' || base === '' ? '_' : base;
}
