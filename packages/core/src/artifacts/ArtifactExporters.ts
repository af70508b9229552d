import { TrainwireError } from '../errors.js';
import type { RpcPeer } from '../protocol/RpcPeer.js';
import type { Artifact } from '../schemas/Artifact.js';
import type { TransferProgress } from '../TransferProgress.js';
import type { DownloadTarget } from './DownloadTarget.js';
import { fetchArtifact } from './fetchArtifact.js';

/** What an exporter is given besides the artifact. */
export interface ExportContext {
  /** The connection to the artifact's worker. */
  peer: RpcPeer;
  /** Where the `download` exporter writes the file (a Node file, an OPFS file, a Blob). */
  target?: DownloadTarget;
  /** Progress of a transfer, for exporters that move bytes. */
  onProgress?: (progress: TransferProgress) => void;
  /** Settings of an exporter of your own, by its documented names. */
  options?: Readonly<Record<string, unknown>>;
}

/** What an export did, for a view to print. */
export interface ExportOutcome {
  /** The exporter's name. */
  exporter: string;
  /** One line for people: "downloaded best.json (4.1 kB)", "copied the path …". */
  message: string;
  /** The artifact's path on the worker (what `copy-path` puts on the clipboard). */
  path: string;
  /** Bytes received now (downloads). */
  bytes?: number;
  /** True when the target already had the file (a download skipped). */
  skipped?: boolean;
}

/** Exports one artifact somewhere: a download, its path, an upload to a service of yours. */
export interface ArtifactExporter {
  /** What it does, in a few words (shown in menus). */
  description: string;
  export(artifact: Artifact, context: ExportContext): Promise<ExportOutcome>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The exporters every registry starts with: `download` and `copy-path`. */
const BUILT_IN: Record<string, ArtifactExporter> = {
  download: {
    description: 'download the file to this machine (verified by SHA-256, resumable)',
    async export(artifact, { peer, target, onProgress }) {
      if (target === undefined) {
        throw new TrainwireError(
          'exporter_failed',
          `the download exporter needs a target for ${artifact.path}: pass where the file goes (in Node, a file target; in a browser, an OPFS file or Blob)`,
        );
      }
      const fetched = await fetchArtifact(
        peer,
        artifact.path,
        target,
        onProgress === undefined ? {} : { onProgress },
      );
      const name = artifact.path.split(/[\\/]/).at(-1) ?? artifact.path;
      return {
        exporter: 'download',
        message: fetched.skipped
          ? `${name} is already here (same size and SHA-256)`
          : `downloaded ${name} (${fetched.bytes} bytes)`,
        path: artifact.path,
        bytes: fetched.bytes,
        skipped: fetched.skipped,
      };
    },
  },
  'copy-path': {
    description: "the file's path on the worker, to copy",
    async export(artifact) {
      return { exporter: 'copy-path', message: artifact.path, path: artifact.path };
    },
  },
};

/**
 * The exporters an artifact can go through, by name: `download` (the verified, resumable
 * `fetchArtifact`) and `copy-path` (its path on the worker) are built in; others plug in
 * with {@link ArtifactExporters.register}.
 *
 * @example
 * ```ts
 * const exporters = new ArtifactExporters();
 * exporters.register('s3', { description: 'upload to S3', export: async (a) => upload(a) });
 * await exporters.get('copy-path').export(artifact, { peer });
 * ```
 */
export class ArtifactExporters {
  private readonly byName = new Map<string, ArtifactExporter>(Object.entries(BUILT_IN));

  /**
   * Adds an exporter under `name` (letters, digits, `.`, `_`, `-`). A name already taken is
   * refused unless `replace` is set.
   */
  register(name: string, exporter: ArtifactExporter, options: { replace?: boolean } = {}): void {
    if (!NAME.test(name)) {
      throw new TrainwireError(
        'validation_failed',
        `exporter name "${name}" is not valid: use 1–64 letters, digits, ".", "_" and "-", starting with a letter or digit`,
      );
    }
    if (this.byName.has(name) && options.replace !== true) {
      throw new TrainwireError(
        'validation_failed',
        `an exporter named "${name}" is registered already; pick another name or pass { replace: true }`,
      );
    }
    this.byName.set(name, exporter);
  }

  /** The exporter `name`; an unknown name is `unknown_exporter`, listing the registered ones. */
  get(name: string): ArtifactExporter {
    const exporter = this.byName.get(name);
    if (exporter !== undefined) return exporter;
    throw new TrainwireError(
      'unknown_exporter',
      `there is no exporter "${name}"; the registered ones are ${this.names().join(', ')}`,
      { details: { name, registered: this.names() } },
    );
  }

  /** The registered names, in registration order. */
  names(): string[] {
    return [...this.byName.keys()];
  }
}
