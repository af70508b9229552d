import type { Observable } from 'rxjs';
import { type PagedSnapshot, PagedView } from '../internal/PagedView.js';
import type { MethodParams, MethodResult } from '../protocol/methods.js';
import type { RpcPeer } from '../protocol/RpcPeer.js';
import type { Artifact, ArtifactKind } from '../schemas/Artifact.js';
import {
  type ArtifactExporter,
  ArtifactExporters,
  type ExportContext,
  type ExportOutcome,
} from './ArtifactExporters.js';

/** Which artifacts a list view shows. */
export interface ArtifactFilter {
  experimentId?: string;
  kind?: ArtifactKind;
  /** Rows per page (default 50, at most 500). */
  limit?: number;
}

/** What an {@link Artifacts} list view shows: `artifacts`, newest first (the pages loaded). */
export type ArtifactsSnapshot = PagedSnapshot<'artifacts', Artifact, ArtifactFilter>;

/**
 * The artifacts of one worker, over its {@link RpcPeer}: typed calls for every
 * `artifact.*` method, a list view (`getSnapshot()` / `subscribe()` / `state$`) the CLI
 * prints and a panel renders, and exports through the exporter registry (`download`,
 * `copy-path`, and any you register). Every change made through it refreshes the list.
 *
 * @example
 * ```ts
 * const artifacts = new Artifacts(peer);
 * await artifacts.refresh({ experimentId: 'exp-41', kind: 'checkpoint' });
 * const [newest] = artifacts.getSnapshot().artifacts;
 * await artifacts.rename(newest!.id, 'best-mouse.json');
 * const { path } = await artifacts.export(newest!, 'copy-path');
 * ```
 */
export class Artifacts {
  /** The list view, replayed to new subscribers. */
  readonly state$: Observable<ArtifactsSnapshot>;
  /** The current list view; the same object until something changes. */
  readonly getSnapshot: () => ArtifactsSnapshot;
  /** Calls `listener` after each change; returns unsubscribe. */
  readonly subscribe: (listener: () => void) => () => void;
  /** The exporters {@link Artifacts.export} can use, by name. */
  readonly exporters: ArtifactExporters;
  private readonly view: PagedView<'artifacts', Artifact, ArtifactFilter>;

  constructor(
    private readonly peer: RpcPeer,
    options: { exporters?: ArtifactExporters } = {},
  ) {
    this.exporters = options.exporters ?? new ArtifactExporters();
    this.view = new PagedView<'artifacts', Artifact, ArtifactFilter>(
      'artifacts',
      {},
      async (filter, offset) => {
        const page = await this.list(toParams(filter, offset));
        return { rows: page.artifacts, total: page.total, nextOffset: page.nextOffset };
      },
      "the worker's artifacts",
    );
    ({ state$: this.state$, getSnapshot: this.getSnapshot, subscribe: this.subscribe } = this.view);
  }

  /** One page of artifacts, newest first (`artifact.list`). */
  list(params: MethodParams<'artifact.list'> = {}): Promise<MethodResult<'artifact.list'>> {
    return this.peer.request('artifact.list', params);
  }

  /** Loads the first page of the list view again (with `filter`, or the last one). Never rejects. */
  refresh(filter?: ArtifactFilter): Promise<void> {
    return this.view.refresh(filter);
  }

  /** Appends the next page to the list view. Never rejects. */
  loadMore(): Promise<void> {
    return this.view.loadMore();
  }

  /** One artifact, with the model versions whose file it is. */
  get(artifactId: string): Promise<MethodResult<'artifact.get'>> {
    return this.peer.request('artifact.get', { artifactId });
  }

  /** Renames the artifact's file on the worker (`name`: letters, digits, `.`, `_`, `-`). */
  async rename(artifactId: string, name: string): Promise<Artifact> {
    const { artifact } = await this.peer.request('artifact.rename', { artifactId, name });
    await this.view.refreshIfLoaded();
    return artifact;
  }

  /** Deletes the artifact (and its file, when the worker made it). */
  async delete(artifactId: string): Promise<MethodResult<'artifact.delete'>> {
    const result = await this.peer.request('artifact.delete', { artifactId });
    await this.view.refreshIfLoaded();
    return result;
  }

  /** Adds an exporter to this client's registry (see {@link ArtifactExporters.register}). */
  registerExporter(
    name: string,
    exporter: ArtifactExporter,
    options?: { replace?: boolean },
  ): void {
    this.exporters.register(name, exporter, options);
  }

  /**
   * Exports `artifact` with the exporter `name` (`download` needs `context.target`); an
   * unknown name is `unknown_exporter`, listing the registered ones.
   */
  async export(
    artifact: Artifact,
    name: string,
    context: Omit<ExportContext, 'peer'> = {},
  ): Promise<ExportOutcome> {
    return this.exporters.get(name).export(artifact, { ...context, peer: this.peer });
  }
}

function toParams(filter: ArtifactFilter, offset: number): MethodParams<'artifact.list'> {
  return {
    offset,
    ...(filter.limit === undefined ? {} : { limit: filter.limit }),
    ...(filter.experimentId === undefined ? {} : { experimentId: filter.experimentId }),
    ...(filter.kind === undefined ? {} : { kind: filter.kind }),
  };
}
