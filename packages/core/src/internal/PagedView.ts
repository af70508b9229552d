import type { Observable } from 'rxjs';
import { SnapshotStore } from './SnapshotStore.js';

/**
 * A list view over a paged list method: the pages loaded so far, newest first, under the
 * name `K` (`experiments`, `artifacts`).
 */
export type PagedSnapshot<K extends string, Row, Filter> = PageFields<Filter> & {
  [P in K]: readonly Row[];
};

/** The fields of a {@link PagedSnapshot} besides its rows. */
interface PageFields<Filter> {
  /** `idle` before the first listing; `failed` keeps the last good rows. */
  status: 'idle' | 'loading' | 'ready' | 'failed';
  /** How many rows match the filter on the worker. */
  total: number;
  /** True when `loadMore` would add rows. */
  hasMore: boolean;
  filter: Filter;
  /** Why the last listing failed, in words; null otherwise. */
  error: string | null;
}

/** One page as a paged list method answers it. */
export interface Page<Row> {
  rows: readonly Row[];
  total: number;
  nextOffset?: number | undefined;
}

/**
 * The list view of a paged method (`artifact.list`): `refresh` loads the first page,
 * `loadMore` appends the next; neither rejects (a failure is the `failed` status, with the
 * last good rows and `error` in words).
 */
export class PagedView<K extends string, Row, Filter> {
  readonly state$: Observable<PagedSnapshot<K, Row, Filter>>;
  readonly getSnapshot: () => PagedSnapshot<K, Row, Filter>;
  readonly subscribe: (listener: () => void) => () => void;
  private readonly state: SnapshotStore<PagedSnapshot<K, Row, Filter>>;
  private nextOffset: number | undefined;

  constructor(
    private readonly key: K,
    initialFilter: Filter,
    private readonly fetch: (filter: Filter, offset: number) => Promise<Page<Row>>,
    private readonly what: string,
  ) {
    this.state = new SnapshotStore(
      this.snapshot(
        { status: 'idle', total: 0, hasMore: false, filter: initialFilter, error: null },
        [],
      ),
    );
    ({
      state$: this.state$,
      getSnapshot: this.getSnapshot,
      subscribe: this.subscribe,
    } = this.state);
  }

  /** Loads the first page again (with `filter`, or the last one). */
  async refresh(filter: Filter = this.getSnapshot().filter): Promise<void> {
    const before = this.getSnapshot();
    this.state.set({ ...before, status: 'loading', filter });
    try {
      const page = await this.fetch(filter, 0);
      this.loaded(page, filter, page.rows);
    } catch (error) {
      this.state.set({ ...before, status: 'failed', filter, error: this.describe(error) });
    }
  }

  /** Appends the next page; does nothing on the last page. */
  async loadMore(): Promise<void> {
    const offset = this.nextOffset;
    if (offset === undefined) return;
    const before = this.getSnapshot();
    try {
      const page = await this.fetch(before.filter, offset);
      this.loaded(page, before.filter, [...before[this.key], ...page.rows]);
    } catch (error) {
      this.state.set({ ...before, status: 'failed', error: this.describe(error) });
    }
  }

  /** Loads the first page again when something was listed before. */
  async refreshIfLoaded(): Promise<void> {
    if (this.getSnapshot().status !== 'idle') await this.refresh();
  }

  /** A page arrived: the view shows `rows` (that page, or every page so far). */
  private loaded(page: Page<Row>, filter: Filter, rows: readonly Row[]): void {
    this.nextOffset = page.nextOffset;
    const hasMore = page.nextOffset !== undefined;
    this.state.set(
      this.snapshot({ status: 'ready', total: page.total, hasMore, filter, error: null }, rows),
    );
  }

  private snapshot(
    fields: PageFields<Filter>,
    rows: readonly Row[],
  ): PagedSnapshot<K, Row, Filter> {
    return { ...fields, [this.key]: rows } as PagedSnapshot<K, Row, Filter>;
  }

  private describe(error: unknown): string {
    return `could not list ${this.what}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
