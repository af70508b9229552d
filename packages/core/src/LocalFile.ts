/** A file on the client to upload: Node reads it from disk, a browser from a `File`. */
export interface LocalFile {
  name: string;
  size: number;
  /** SHA-256 of the whole file, lowercase hex (the worker skips files it has). */
  sha256: string;
  /** The bytes from `offset` on (a resumed upload starts past zero). */
  read(offset: number): AsyncIterable<Uint8Array>;
}
