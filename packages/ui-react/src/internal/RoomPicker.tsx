import { useEffect, useId } from 'react';
import type { RoomDirectoryStore } from '../RoomDirectoryStore.js';
import { useRooms } from '../useRooms.js';

/** The panel's room: a labelled select over the room directory, and its own Refresh. */
export function RoomPicker({ store }: { store: RoomDirectoryStore }) {
  const { status, rooms, selected, error } = useRooms(store);
  const id = useId();
  // The first listing when the panel opens; afterwards only Refresh lists again.
  useEffect(() => {
    if (store.getSnapshot().status === 'idle') void store.refresh();
  }, [store]);
  return (
    <div className="tw-room">
      <label htmlFor={id}>Room</label>{' '}
      <select
        id={id}
        value={selected ?? ''}
        disabled={rooms.length === 0}
        onChange={(event) => store.select(event.target.value)}
      >
        {rooms.length === 0 && selected !== null ? (
          <option value={selected}>{selected}</option>
        ) : null}
        {rooms.map((room) => (
          <option key={room.id} value={room.id}>
            {room.name ?? room.id} ({room.workers} worker{room.workers === 1 ? '' : 's'})
          </option>
        ))}
      </select>{' '}
      <button
        type="button"
        aria-label="Refresh rooms"
        disabled={status === 'loading'}
        onClick={() => void store.refresh()}
      >
        Refresh
      </button>
      {status === 'failed' ? <p role="alert">{error}</p> : null}
    </div>
  );
}
