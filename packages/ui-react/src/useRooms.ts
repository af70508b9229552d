import { useRoomDirectory } from './internal/useRoomDirectory.js';
import { useStoreSelector } from './internal/useStoreSelector.js';
import type { RoomDirectorySnapshot } from './RoomDirectory.js';
import type { RoomDirectoryStore } from './RoomDirectoryStore.js';

const identity = (snapshot: RoomDirectorySnapshot): RoomDirectorySnapshot => snapshot;

/**
 * The rooms from `rooms`, or from the provider's when none is passed, or the part
 * `selector` picks.
 *
 * @throws UiReactError `missing_room_directory` when neither is there.
 * @example
 * ```tsx
 * const selected = useRooms((s) => s.selected);
 * ```
 */
export function useRooms(rooms?: RoomDirectoryStore): RoomDirectorySnapshot;
export function useRooms<T>(
  selector: (snapshot: RoomDirectorySnapshot) => T,
  rooms?: RoomDirectoryStore,
): T;
export function useRooms<T>(
  first?: RoomDirectoryStore | ((snapshot: RoomDirectorySnapshot) => T),
  second?: RoomDirectoryStore,
): T | RoomDirectorySnapshot {
  const selector = typeof first === 'function' ? first : undefined;
  const given = typeof first === 'function' ? second : first;
  const store = useRoomDirectory(given);
  return useStoreSelector(store, (selector ?? identity) as (s: RoomDirectorySnapshot) => T);
}
