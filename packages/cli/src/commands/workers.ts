import type { WorkerInfo } from '@trainwire/core';
import { ExitCode } from '../errors.js';
import type { Io } from '../Io.js';
import { intFlag, type ParsedArgs } from '../internal/args.js';
import { credentialsFrom, joinRoom } from '../internal/defaultConnect.js';
import { table } from '../internal/format.js';

/** MiB as a person reads it, or "—" when the worker did not say. */
function mib(value: number | undefined): string {
  if (value === undefined || value <= 0) return '—';
  return value >= 1024 ? `${(value / 1024).toFixed(1)} GiB` : `${value} MiB`;
}

/** The memory of a listed worker: its GPU's and its RAM (unknown when it sent no info). */
function memory(info: WorkerInfo | undefined): {
  gpuMemoryMiB: number | null;
  ramMiB: number | null;
} {
  const ram = info?.ramMiB;
  return {
    gpuMemoryMiB: info?.gpu?.memoryMiB ?? null,
    ramMiB: ram === undefined || ram <= 0 ? null : ram,
  };
}

/** `trainwire workers`: the workers of the room — name, GPU, status, GPU memory, RAM, key id. */
export async function workersCommand(args: ParsedArgs, io: Io): Promise<number> {
  const credentials = await credentialsFrom(io);
  const min = intFlag(args, 'min-gpu-memory', 0);
  const webrtc = await import('@trainwire/transport-webrtc');
  const signaling = await joinRoom(credentials, 'cli (workers)');
  try {
    const workers = (await webrtc.listRoomWorkers(signaling)).filter(
      (w) => min === undefined || w.gpuMemoryMiB >= min,
    );
    if (args.values.json === true) {
      for (const w of workers)
        io.stdout.write(
          `${JSON.stringify({ peerId: w.id, name: w.name, keyId: w.keyId, gpu: w.info?.gpu ?? null, ...memory(w.info), status: w.status })}\n`,
        );
      return ExitCode.ok;
    }
    if (workers.length === 0) {
      io.stdout.write(
        min === undefined
          ? `No worker online in room ${credentials.room}.\n`
          : `No worker with at least ${min} MiB of GPU memory online in room ${credentials.room}.\n`,
      );
      return ExitCode.ok;
    }
    io.stdout.write(
      table([
        ['NAME', 'GPU', 'STATUS', 'GPU MEMORY', 'RAM', 'KEY'],
        ...workers.map((w) => {
          const { gpuMemoryMiB, ramMiB } = memory(w.info);
          return [
            w.name,
            w.info === undefined ? '—' : (w.info.gpu?.name ?? 'Not detected'),
            w.status,
            mib(gpuMemoryMiB ?? undefined),
            mib(ramMiB ?? undefined),
            // The worker key id the server bound the name to: pin it with --worker-key-id.
            w.keyId || '—',
          ];
        }),
      ]),
    );
    return ExitCode.ok;
  } finally {
    await signaling.close();
  }
}
