import { checkPytorch, defaultPython, detectMachine } from '@trainwire/worker';
import { ExitCode } from '../errors.js';
import type { Io } from '../Io.js';
import type { ParsedArgs } from '../internal/args.js';

/** `trainwire env`: this machine's GPU summary and readiness, as a worker would report it. */
export async function envCommand(args: ParsedArgs, io: Io): Promise<number> {
  const cpuOnly = args.values['cpu-only'] === true;
  const [machine, pytorch, webrtc] = await Promise.all([
    detectMachine({ cpuOnly }),
    checkPytorch(defaultPython(io.env)),
    rtcBackend(),
  ]);
  if (args.values.json === true) {
    io.stdout.write(
      `${JSON.stringify({ ...machine, node: process.versions.node, ready: true, pytorch, webrtc })}\n`,
    );
    return ExitCode.ok;
  }
  io.stdout.write(`${machine.summary}\n`);
  for (const gpu of machine.gpus) {
    io.stdout.write(
      `  ${gpu.name}: ${gpu.memoryMiB} MiB${gpu.driver ? `, driver ${gpu.driver}` : ''}${gpu.cuda ? `, CUDA ${gpu.cuda}` : ''}\n`,
    );
  }
  io.stdout.write(`CPU: ${machine.cpu.model} (${machine.cpu.cores} cores)\n`);
  io.stdout.write(`RAM: ${(machine.ramMiB / 1024).toFixed(1)} GiB\n`);
  io.stdout.write(`Node: ${process.versions.node}\n`);
  io.stdout.write(`PyTorch trainer (profile pytorch): ${pytorch.summary}\n`);
  io.stdout.write(
    `WebRTC backend: ${webrtc.backend ?? `none (${webrtc.problem})`}${webrtc.source === 'default' ? ' (the default; TRAINWIRE_RTC_BACKEND=auto picks node-datachannel where it loads)' : ` (from ${webrtc.source})`}${webrtc.skipped.length === 0 ? '' : `; skipped ${webrtc.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`}\n`,
  );
  io.stdout.write(
    machine.gpu === null
      ? 'Ready to train on the CPU (the built-in trainer needs no GPU).\n'
      : 'Ready to train on the GPU.\n',
  );
  return ExitCode.ok;
}

/** The WebRTC backend links from this machine get, where it was chosen, what `auto` skipped. */
async function rtcBackend(): Promise<{
  backend?: string;
  problem?: string;
  source: string;
  skipped: Array<{ name: string; reason: string }>;
}> {
  const { resolveRtcBackend } = await import('@trainwire/transport-webrtc');
  try {
    const chosen = await resolveRtcBackend();
    return { backend: chosen.backend.name, source: chosen.source, skipped: chosen.skipped };
  } catch (error) {
    return { problem: (error as Error).message, source: 'env', skipped: [] };
  }
}
