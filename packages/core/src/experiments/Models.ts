import { filter, map, type Observable } from 'rxjs';
import { SnapshotStore } from '../internal/SnapshotStore.js';
import type { MethodParams } from '../protocol/methods.js';
import type { RpcPeer } from '../protocol/RpcPeer.js';
import type { ModelVersion } from '../schemas/Experiment.js';

/** What a {@link Models} panel shows. */
export interface ModelsSnapshot {
  /** `idle` before the first listing; `failed` keeps the last good rows. */
  status: 'idle' | 'loading' | 'ready' | 'failed';
  /** By name, newest version first. */
  models: readonly ModelVersion[];
  /** The active version of each model name. */
  active: Readonly<Record<string, ModelVersion>>;
  /** Why the last listing failed, in words; null otherwise. */
  error: string | null;
}

/**
 * The model registry of one worker, over its {@link RpcPeer}: register, list, activate,
 * delete, and `activated$`, the `model.activated` notices the worker pushes once
 * {@link Models.watch} subscribed — a host application hot-swaps its model on them.
 *
 * @example
 * ```ts
 * const models = new Models(peer);
 * models.activated$.subscribe((m) => loadWeights(m.artifact?.path));
 * await models.watch();
 * await models.activate('mouse-pose', 3);
 * ```
 */
export class Models {
  /** The panel's view, replayed to new subscribers. */
  readonly state$: Observable<ModelsSnapshot>;
  /** The current view; the same object until something changes. */
  readonly getSnapshot: () => ModelsSnapshot;
  /** Calls `listener` after each change; returns unsubscribe. */
  readonly subscribe: (listener: () => void) => () => void;
  /** Each version that became active on the worker (after {@link watch}). */
  readonly activated$: Observable<ModelVersion>;
  private readonly state = new SnapshotStore<ModelsSnapshot>({
    status: 'idle',
    models: [],
    active: {},
    error: null,
  });

  constructor(private readonly peer: Pick<RpcPeer, 'request' | 'notices$'>) {
    ({
      state$: this.state$,
      getSnapshot: this.getSnapshot,
      subscribe: this.subscribe,
    } = this.state);
    this.activated$ = peer.notices$.pipe(
      filter((notice) => notice.type === 'model.activated'),
      map((notice) => notice.model),
    );
    this.activated$.subscribe((model) => this.apply(model));
  }

  /** Subscribes to `model.activated` notices; answers the active versions, now. */
  async watch(): Promise<readonly ModelVersion[]> {
    const { active } = await this.peer.request('model.subscribe', {});
    for (const model of active) this.apply(model);
    return active;
  }

  /** Lists the registry (of one name, or all) into the snapshot. Never rejects. */
  async refresh(name?: string): Promise<void> {
    const before = this.getSnapshot();
    this.state.set({ ...before, status: 'loading' });
    try {
      const { models } = await this.peer.request('model.list', name === undefined ? {} : { name });
      this.state.set({ status: 'ready', models, active: activeOf(models), error: null });
    } catch (error) {
      const words = error instanceof Error ? error.message : String(error);
      this.state.set({ ...before, status: 'failed', error: `could not list the models: ${words}` });
    }
  }

  /** Every version (of `name`, or of every model), by name, newest first. */
  async list(name?: string): Promise<readonly ModelVersion[]> {
    return (await this.peer.request('model.list', name === undefined ? {} : { name })).models;
  }

  /** Registers a model artifact of a completed experiment as the next version of `name`. */
  async register(params: MethodParams<'model.register'>): Promise<ModelVersion> {
    const { model } = await this.peer.request('model.register', params);
    await this.refreshIfLoaded();
    return model;
  }

  /** Makes `version` the active version of `name`. */
  async activate(name: string, version: number): Promise<ModelVersion> {
    const { model } = await this.peer.request('model.activate', { name, version });
    this.apply(model);
    return model;
  }

  /** Removes a version that is not the active one. */
  async delete(name: string, version: number): Promise<void> {
    await this.peer.request('model.delete', { name, version });
    await this.refreshIfLoaded();
  }

  private apply(model: ModelVersion): void {
    const before = this.getSnapshot();
    const current = before.active[model.name];
    if (current?.version === model.version && current.active) return;
    const models = before.models.map((m) =>
      m.name === model.name ? { ...m, active: m.version === model.version } : m,
    );
    this.state.set({ ...before, models, active: { ...before.active, [model.name]: model } });
  }

  private async refreshIfLoaded(): Promise<void> {
    if (this.getSnapshot().status !== 'idle') await this.refresh();
  }
}

function activeOf(models: readonly ModelVersion[]): Record<string, ModelVersion> {
  const active: Record<string, ModelVersion> = {};
  for (const model of models) if (model.active) active[model.name] = model;
  return active;
}
