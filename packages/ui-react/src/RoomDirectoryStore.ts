import type { RoomDirectory } from './RoomDirectory.js';

/** The part of a {@link RoomDirectory} the widgets use; any object of that shape will do. */
export type RoomDirectoryStore = Pick<
  RoomDirectory,
  'getSnapshot' | 'subscribe' | 'refresh' | 'select'
>;
