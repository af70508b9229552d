import { describeGpu } from '@trainwire/core';
import { ExitCode } from '../errors.js';
import type { Io } from '../Io.js';
import { intFlag, type ParsedArgs } from '../internal/args.js';
import { credentialsFrom, joinRoom } from '../internal/defaultConnect.js';

/** `trainwire workers`: the workers of the room — name, GPU, memory, status. */
export async function workersCommand(args: ParsedArgs, io: Io): Promise<number> {
  const credentials = await credentialsFrom(io);
  const webrtc = await import('@trainwire/transport-webrtc');
  const signaling = await joinRoom(credentials, 'cli (workers)');
  try {
    const min = intFlag(args, 'min-gpu-memory', 0);
    const workers = (await webrtc.listWorkers(signaling)).filter(
      (w) => min === undefined || w.gpuMemoryMiB >= min,
    );
    if (args.values.json === true) {
      for (const w of workers)
        io.stdout.write(
          `${JSON.stringify({ peerId: w.peerId, name: w.name, gpu: w.info?.gpu ?? null, status: w.status })}\n`,
        );
      return ExitCode.ok;
    }
    if (workers.length === 0) io.stdout.write(`No worker online in room ${credentials.room}.\n`);
    for (const w of workers) {
      io.stdout.write(
        `${w.name.padEnd(20)} ${describeGpu(w.info?.gpu ?? null).padEnd(36)} ${w.status}\n`,
      );
    }
    return ExitCode.ok;
  } finally {
    await signaling.close();
  }
}
