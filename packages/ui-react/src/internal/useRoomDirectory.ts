import type { RoomDirectoryStore } from '../RoomDirectoryStore.js';
import { useFromProvider } from './useFromProvider.js';

/** `rooms` when given, else the provider's; throws `missing_room_directory` without either. */
export function useRoomDirectory(rooms?: RoomDirectoryStore): RoomDirectoryStore {
  return useFromProvider(
    rooms,
    'rooms',
    'missing_room_directory',
    'no room directory: pass one to useRooms(…), or to <TrainwireProvider rooms={…}>',
  );
}
