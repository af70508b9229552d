import type { Room } from '@trainwire/core';
import { BehaviorSubject, type Observable, skip } from 'rxjs';

/** What a {@link RoomDirectory} shows. */
export interface RoomDirectorySnapshot {
  /** `idle` before the first listing; `failed` keeps the last good list. */
  status: 'idle' | 'loading' | 'ready' | 'failed';
  /** By name (or id). */
  rooms: readonly Room[];
  /** The room the panel works in; null before one is chosen. */
  selected: string | null;
  /** Why the last listing failed, in words; null otherwise. */
  error: string | null;
}

/**
 * The rooms a user may work in, for the panel's room picker: listing with refresh, the
 * chosen room, and a snapshot (`getSnapshot` + `subscribe`, and `state$`). It knows no
 * server: `list` is given (the signaling server's admin `GET /rooms`, or the rooms a host
 * holds tokens for).
 *
 * @example
 * ```ts
 * const rooms = new RoomDirectory({ list: async () => myRooms, selected: 'lab' });
 * rooms.subscribe(() => reconnect(rooms.getSnapshot().selected));
 * ```
 */
export class RoomDirectory {
  /** The snapshot, replayed to new subscribers. */
  readonly state$: Observable<RoomDirectorySnapshot>;
  private readonly state: BehaviorSubject<RoomDirectorySnapshot>;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly options: { list: () => Promise<readonly Room[]>; selected?: string },
  ) {
    this.state = new BehaviorSubject<RoomDirectorySnapshot>({
      status: 'idle',
      rooms: [],
      selected: options.selected ?? null,
      error: null,
    });
    this.state$ = this.state.asObservable();
  }

  /** The current snapshot; the same object until something changes. */
  getSnapshot = (): RoomDirectorySnapshot => this.state.getValue();

  /** Calls `listener` after each change; returns unsubscribe. */
  subscribe = (listener: () => void): (() => void) => {
    // The subject replays the current value at once: that is not a change.
    const subscription = this.state.pipe(skip(1)).subscribe(() => listener());
    return () => subscription.unsubscribe();
  };

  /** Lists the rooms again; concurrent calls share one listing. Never rejects. */
  refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Chooses the room to work in. */
  select(id: string): void {
    const before = this.state.getValue();
    if (before.selected !== id) this.state.next({ ...before, selected: id });
  }

  private async load(): Promise<void> {
    const before = this.state.getValue();
    this.state.next({ ...before, status: 'loading' });
    try {
      const rooms = [...(await this.options.list())].sort((a, b) =>
        (a.name ?? a.id).localeCompare(b.name ?? b.id),
      );
      const current = this.state.getValue().selected;
      const selected = rooms.some((r) => r.id === current) ? current : (rooms[0]?.id ?? null);
      this.state.next({ status: 'ready', rooms, selected, error: null });
    } catch (error) {
      this.state.next({
        ...this.state.getValue(),
        status: 'failed',
        error: `could not list the rooms: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
}
