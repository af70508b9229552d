import type { Observable } from 'rxjs';
import { PagedView } from '../internal/PagedView.js';
import type { LineageNode, MethodParams, MethodResult } from '../protocol/methods.js';
import type { RpcPeer } from '../protocol/RpcPeer.js';
import type { Experiment, ExperimentStatus } from '../schemas/Experiment.js';
import { newExperimentId } from './newExperimentId.js';

/** Which experiments a list view shows. */
export interface ExperimentFilter {
  status?: ExperimentStatus;
  tag?: string;
  /** A part of the name, case-insensitively. */
  name?: string;
  /** Rows per page (default 50, at most 500). */
  limit?: number;
}

/** What an {@link Experiments} list view shows. */
export interface ExperimentsSnapshot {
  /** `idle` before the first listing; `failed` keeps the last good rows. */
  status: 'idle' | 'loading' | 'ready' | 'failed';
  /** Newest first: the pages loaded so far. */
  experiments: readonly Experiment[];
  /** How many experiments match the filter on the worker. */
  total: number;
  /** True when {@link Experiments.loadMore} would add rows. */
  hasMore: boolean;
  filter: ExperimentFilter;
  /** Why the last listing failed, in words; null otherwise. */
  error: string | null;
}

/** The lineage tree of an experiment, with children per node. */
export interface ExperimentLineage {
  rootId: string;
  nodes: readonly LineageNode[];
  /** Ids of each node's children, in creation order. */
  children: ReadonlyMap<string, readonly string[]>;
}

/**
 * The experiments of one worker, over its {@link RpcPeer}: typed calls for every
 * `experiment.*` method, and a list view (`getSnapshot()` / `subscribe()` / `state$`) that
 * the CLI prints and a table renders. Every change made through it refreshes the list.
 *
 * @example
 * ```ts
 * const experiments = new Experiments(peer);
 * await experiments.refresh({ tag: 'baseline' });
 * experiments.getSnapshot().experiments.map((e) => e.name);
 * const child = await experiments.continueFrom('exp-41', { name: 'exp-41, 50 more epochs' });
 * ```
 */
export class Experiments {
  /** The list view, replayed to new subscribers. */
  readonly state$: Observable<ExperimentsSnapshot>;
  /** The current list view; the same object until something changes. */
  readonly getSnapshot: () => ExperimentsSnapshot;
  /** Calls `listener` after each change; returns unsubscribe. */
  readonly subscribe: (listener: () => void) => () => void;
  private readonly view: PagedView<'experiments', Experiment, ExperimentFilter>;

  constructor(private readonly peer: Pick<RpcPeer, 'request'>) {
    this.view = new PagedView<'experiments', Experiment, ExperimentFilter>(
      'experiments',
      {},
      async (filter, offset) => {
        const page = await this.list(toParams(filter, offset));
        return { rows: page.experiments, total: page.total, nextOffset: page.nextOffset };
      },
      "the worker's experiments",
    );
    ({ state$: this.state$, getSnapshot: this.getSnapshot, subscribe: this.subscribe } = this.view);
  }

  /** One page of experiments, newest first (`experiment.list`). */
  list(params: MethodParams<'experiment.list'> = {}): Promise<MethodResult<'experiment.list'>> {
    return this.peer.request('experiment.list', params);
  }

  /**
   * Loads the first page of the list view again (with `filter`, or the last one).
   * Never rejects: a failure is the snapshot's `failed` status with the last good rows.
   */
  refresh(filter?: ExperimentFilter): Promise<void> {
    return this.view.refresh(filter);
  }

  /** Appends the next page to the list view; does nothing on the last page. Never rejects. */
  loadMore(): Promise<void> {
    return this.view.loadMore();
  }

  /** One experiment with its artifacts and job ids. */
  get(experimentId: string): Promise<MethodResult<'experiment.get'>> {
    return this.peer.request('experiment.get', { experimentId });
  }

  /** Creates an experiment (a fresh id unless given). */
  create(
    params: Omit<MethodParams<'experiment.create'>, 'experimentId'> & { experimentId?: string },
  ): Promise<Experiment> {
    const experimentId = params.experimentId ?? newExperimentId();
    return this.change(this.peer.request('experiment.create', { ...params, experimentId }));
  }

  /** Renames an experiment. */
  rename(experimentId: string, name: string): Promise<Experiment> {
    return this.change(this.peer.request('experiment.rename', { experimentId, name }));
  }

  /** Adds and removes tags. */
  tag(
    experimentId: string,
    change: { add?: readonly string[]; remove?: readonly string[] },
  ): Promise<Experiment> {
    return this.change(
      this.peer.request('experiment.tag', {
        experimentId,
        add: [...(change.add ?? [])],
        remove: [...(change.remove ?? [])],
      }),
    );
  }

  /** Deletes an experiment (and its artifacts with `withArtifacts`). */
  async delete(
    experimentId: string,
    options: { withArtifacts?: boolean } = {},
  ): Promise<MethodResult<'experiment.delete'>> {
    const result = await this.peer.request('experiment.delete', {
      experimentId,
      withArtifacts: options.withArtifacts ?? false,
    });
    await this.refreshIfLoaded();
    return result;
  }

  /** A child of `parentId` that starts from one of its checkpoints (its last by default). */
  continueFrom(
    parentId: string,
    options: {
      experimentId?: string;
      checkpointId?: string;
      name?: string;
      config?: Record<string, unknown>;
    } = {},
  ): Promise<Experiment> {
    const { experimentId = newExperimentId(), ...rest } = options;
    return this.change(
      this.peer.request('experiment.continue', { experimentId, parentId, ...rest }),
    );
  }

  /** A new experiment retrying the failed (or cancelled) experiment `of`. */
  retry(of: string, options: { experimentId?: string; name?: string } = {}): Promise<Experiment> {
    const { experimentId = newExperimentId(), ...rest } = options;
    return this.change(this.peer.request('experiment.retry', { experimentId, of, ...rest }));
  }

  /** The whole lineage tree `experimentId` belongs to, with each node's children. */
  async lineage(experimentId: string): Promise<ExperimentLineage> {
    const { rootId, nodes } = await this.peer.request('experiment.lineage', { experimentId });
    const children = new Map<string, string[]>();
    for (const node of nodes) {
      if (node.parentId === undefined) continue;
      const siblings = children.get(node.parentId) ?? [];
      siblings.push(node.id);
      children.set(node.parentId, siblings);
    }
    return { rootId, nodes, children };
  }

  private async change(request: Promise<{ experiment: Experiment }>): Promise<Experiment> {
    const { experiment } = await request;
    await this.refreshIfLoaded();
    return experiment;
  }

  private refreshIfLoaded(): Promise<void> {
    return this.view.refreshIfLoaded();
  }
}

function toParams(filter: ExperimentFilter, offset: number): MethodParams<'experiment.list'> {
  return {
    offset,
    ...(filter.limit === undefined ? {} : { limit: filter.limit }),
    ...(filter.status === undefined ? {} : { status: filter.status }),
    ...(filter.tag === undefined ? {} : { tag: filter.tag }),
    ...(filter.name === undefined ? {} : { name: filter.name }),
  };
}
