/**
 * Where {@link fetchArtifact} puts a file on the client: Node writes `NAME.part` next to
 * `NAME` on disk, a browser an OPFS file or a Blob. The part is kept when a download
 * breaks off, so the next fetch resumes from its size.
 */
export interface DownloadTarget {
  /** Size of the finished file already there (`file`) or of a partial one (`partial`); undefined when none. */
  size(which: 'file' | 'partial'): Promise<number | undefined>;
  /** SHA-256 (lowercase hex) of the finished or the partial file. */
  sha256(which: 'file' | 'partial'): Promise<string>;
  /** Starts writing the partial file at `offset` (appending when it is past zero). */
  openPartial(offset: number): DownloadWriter;
  /** Removes the partial file (it arrived damaged). */
  removePartial(): Promise<void>;
  /** The verified partial file takes the file's name. */
  commit(): Promise<void>;
}

/** Writes one download's bytes, in order. */
export interface DownloadWriter {
  /**
   * Writes the chunk; a promise when the write is still under way (a disk slower than the
   * link): the download holds the sender back until it settles (`ByteStreamReader.hold`).
   */
  write(chunk: Uint8Array): void | Promise<void>;
  /** Flushes and closes; resolves once every byte is written. */
  close(): Promise<void>;
  /** `listener` is called once when writing fails on this side (a read-only folder, a full disk). */
  onError(listener: (error: unknown) => void): void;
}
