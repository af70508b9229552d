import { describeGpu } from '@trainwire/core';
import { ConnectionError, ExitCode } from '../errors.js';
import type { Io } from '../Io.js';
import { intFlag, type ParsedArgs } from '../internal/args.js';
import { credentialsFrom } from '../internal/defaultConnect.js';

/** `trainwire workers`: the workers of the room — name, GPU, memory, status. */
export async function workersCommand(args: ParsedArgs, io: Io): Promise<number> {
  const credentials = await credentialsFrom(io);
  const webrtc = await import('@trainwire/transport-webrtc');
  const signaling = new webrtc.SignalingClient({
    url: credentials.signalingUrl,
    room: credentials.room,
    role: 'client',
    credential: credentials.credential,
    name: 'cli (workers)',
  });
  try {
    await signaling.connect().catch((error: Error) => {
      throw new ConnectionError(
        `cannot join room ${credentials.room} at ${credentials.signalingUrl}: ${error.message}`,
        { cause: error },
      );
    });
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
