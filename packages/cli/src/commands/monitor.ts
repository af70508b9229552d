import { createTrainerReader, type TrainerReader } from '@trainwire/bridge-zmq';
import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import { type ParsedArgs, stringFlag } from '../internal/args.js';
import { formatMetric } from '../internal/format.js';

/** `tcp://HOST:PORT` → host and port; anything else is a usage error naming the flag. */
export function parseTcpAddress(address: string, flag: string): { host: string; port: number } {
  const match = /^tcp:\/\/(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(address);
  const port = Number(match?.[2]);
  if (match === null || !(port >= 0 && port <= 65535)) {
    throw new UsageError(`${flag} must look like tcp://127.0.0.1:9001; got "${address}"`);
  }
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/**
 * `trainwire monitor [ADDR]`: acts as a loss viewer for any sleap-nn-format publisher —
 * binds SUB on ADDR (default tcp://127.0.0.1:9001) and PUB for control (default port 9000),
 * and prints each epoch. Ctrl-C once sends the trainer `{"command":"stop"}`; twice quits.
 */
export async function monitorCommand(args: ParsedArgs, io: Io): Promise<number> {
  const publish = parseTcpAddress(args.positionals[0] ?? 'tcp://127.0.0.1:9001', 'ADDR');
  const control = parseTcpAddress(
    stringFlag(args, 'control') ?? `tcp://${publish.host}:9000`,
    '--control',
  );
  const json = args.values.json === true;
  const reader: TrainerReader = await createTrainerReader({
    host: publish.host,
    publishPort: publish.port,
    controlPort: control.port,
  });
  if (!json)
    io.stderr.write(
      `Listening for progress on ${reader.publishAddress} (control on ${reader.controlAddress}). Ctrl-C to stop the trainer.\n`,
    );
  let interrupts = 0;
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const removeInterrupt = io.onInterrupt(() => {
    interrupts++;
    if (interrupts === 1) {
      io.stderr.write('\nAsking the trainer to stop (Ctrl-C again to quit)…\n');
      void reader.sendStop();
    } else finish(ExitCode.interrupted);
  });
  const keep = args.values.keep === true;
  const subscription = reader.messages$.subscribe((message) => {
    if (json) {
      io.stdout.write(
        `${JSON.stringify(message.kind === 'progress' ? message.progress : message.raw)}\n`,
      );
    } else if (message.kind === 'progress') {
      const p = message.progress;
      if (p.event === 'train_begin')
        io.stdout.write(
          `Training ${p.what ?? ''} started${p.total_epochs ? ` (${p.total_epochs} epochs)` : ''}\n`,
        );
      if (p.event === 'epoch_end') {
        io.stdout.write(
          `Epoch ${p.epoch + 1}  loss ${formatMetric(p.logs['train/loss'] ?? p.logs.loss)}  val loss ${formatMetric(p.logs['val/loss'] ?? p.logs.val_loss)}\n`,
        );
      }
      if (p.event === 'train_end') io.stdout.write('Training ended.\n');
    }
    if (message.kind === 'progress' && message.progress.event === 'train_end' && !keep)
      finish(ExitCode.ok);
  });
  const code = await done;
  subscription.unsubscribe();
  removeInterrupt();
  await reader.close();
  return code;
}
