import { fireEvent, render, renderHook, screen } from '@testing-library/react';
import type { Room } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, flush, setup } from './__tests__/harness.js';
import { directoryOf } from './__tests__/workers.js';
import { RemoteTrainingPanel } from './RemoteTrainingPanel.js';
import { RoomDirectory } from './RoomDirectory.js';
import { TrainwireProvider } from './TrainwireProvider.js';
import { useRooms } from './useRooms.js';

const room = (id: string, name: string, workers: number): Room => ({
  id,
  name,
  createdAt: 0,
  workers,
  clients: 0,
});

describe('useRooms and RoomDirectory', () => {
  it('lists the rooms, keeps the chosen one, and selects by selector', async () => {
    let listed: readonly Room[] | Error = [room('lab', 'Lab', 2), room('cage', 'Animal house', 0)];
    const rooms = new RoomDirectory({
      list: async () => {
        if (listed instanceof Error) throw listed;
        return listed;
      },
      selected: 'lab',
    });
    const { result } = renderHook(() => useRooms((s) => s.selected, rooms));
    const all = renderHook(() => useRooms(rooms));
    expect(all.result.current.status).toBe('idle');
    await rooms.refresh();
    await flush();
    expect(all.result.current.rooms.map((r) => r.id)).toEqual(['cage', 'lab']);
    expect(result.current).toBe('lab');
    rooms.select('cage');
    await flush();
    expect(result.current).toBe('cage');
    // A failed listing keeps the last good list and says why.
    listed = new Error('admin API disabled');
    await rooms.refresh();
    await flush();
    expect(all.result.current.status).toBe('failed');
    expect(all.result.current.error).toBe('could not list the rooms: admin API disabled');
    expect(all.result.current.rooms).toHaveLength(2);
  });

  it("needs a room directory: the provider's or one passed", () => {
    expect(() => renderHook(() => useRooms())).toThrow(/no room directory/);
  });

  it('gives the panel a labelled room picker that follows the directory', async () => {
    const { manager } = await setup();
    const { directory } = directoryOf();
    const rooms = new RoomDirectory({
      list: async () => [room('lab', 'Lab', 1), room('cage', 'Animal house', 0)],
    });
    const { container } = render(
      <TrainwireProvider manager={manager} directory={directory} rooms={rooms}>
        <RemoteTrainingPanel onRun={() => undefined} />
      </TrainwireProvider>,
    );
    await flush();
    const picker = screen.getByRole('combobox', { name: 'Room' }) as HTMLSelectElement;
    expect(Array.from(picker.options, (o) => o.textContent)).toEqual([
      'Animal house (0 workers)',
      'Lab (1 worker)',
    ]);
    expect(picker.value).toBe('cage');
    fireEvent.change(picker, { target: { value: 'lab' } });
    expect(rooms.getSnapshot().selected).toBe('lab');
    fireEvent.click(screen.getByRole('button', { name: 'Refresh rooms' }));
    await flush();
    expect(rooms.getSnapshot().status).toBe('ready');
    await expectAccessible(container);
  });
});
