/**
 * `npm start` until the worker and the CLI land: the core at work over the in-memory
 * transport. A scripted worker runs a job; this prints its states, epochs, losses and ETA
 * the way the CLI will.
 */
import { container } from '../di.js';
import { isTrainwireError } from '../errors.js';
import { JobManager } from '../JobManager.js';
import { registerCore } from '../registerCore.js';
import { createMemoryTransportPair } from '../testing/MemoryTransport.js';
import { ScriptedWorker } from '../testing/ScriptedWorker.js';
import { TRANSPORT } from '../tokens.js';

const RULE = '─'.repeat(64);
// The core compiles without Node's types (it must run in a browser); the demo runs in Node.
const proc = (globalThis as unknown as { process: { argv: string[]; exit(code: number): never } })
  .process;

function parseFlags(argv: readonly string[]): { epochs: number; epochMs: number } {
  const flags = { epochs: 10, epochMs: 300 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag !== '--epochs' && flag !== '--epoch-ms') {
      throw new Error(`unknown flag ${flag}; use --epochs N and --epoch-ms MS`);
    }
    const number = Number(value);
    if (value === undefined || !Number.isInteger(number) || number < 1) {
      throw new Error(`${flag} needs a whole number ≥ 1, got ${value ?? 'nothing'}`);
    }
    if (flag === '--epochs') flags.epochs = number;
    else flags.epochMs = number;
    i++;
  }
  return flags;
}

function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function fixed(value: number | null | undefined): string {
  return typeof value === 'number' ? value.toFixed(4) : '—';
}

async function main(): Promise<number> {
  const flags = parseFlags(proc.argv.slice(2));
  const [client, workerEnd] = createMemoryTransportPair({ latencyMs: 2 });
  const worker = new ScriptedWorker({ name: 'scripted-worker', epochMs: flags.epochMs });
  worker.accept(workerEnd);
  await Promise.all([client.connect(), workerEnd.connect()]);

  const scope = registerCore(container.createChildContainer());
  scope.register(TRANSPORT, { useValue: client });
  const manager = scope.resolve(JobManager);

  console.log(RULE);
  console.log(`Running Training Remotely on ${worker.info.name}...`);
  console.log(RULE);
  const started = Date.now();
  const session = manager.submit({
    profile: 'builtin',
    name: 'demo',
    config: { epochs: flags.epochs },
  });
  session.state$.subscribe((state) => console.log(`  state: ${state}`));
  let printed = 0;
  session.progress$.subscribe((progress) => {
    const last = progress.history[progress.history.length - 1];
    if (last === undefined || progress.completedEpochs === printed) return;
    printed = progress.completedEpochs;
    const eta = session.getSnapshot().eta;
    console.log(
      `  Epoch ${last.epoch + 1}/${progress.totalEpochs ?? '?'}  loss ${fixed(last.logs['train/loss'])}  ` +
        `val loss ${fixed(last.logs['val/loss'])}  elapsed ${clock(Date.now() - started)}  ` +
        `ETA ${eta === null ? '—' : clock(eta.remainingMs)}`,
    );
  });
  const final = await session.done;
  manager.dispose();
  await client.close();
  console.log(RULE);
  if (final.state !== 'completed') {
    console.log(`Remote Training ${final.state}: ${final.error?.message ?? ''}`);
    console.log(RULE);
    return 1;
  }
  console.log('Remote Training Completed Successfully');
  console.log(RULE);
  const best = final.progress.best['val/loss'];
  if (best !== undefined)
    console.log(`Best val loss ${fixed(best.value)} at epoch ${best.epoch + 1}.`);
  console.log(
    '\nThis was @trainwire/core over the in-memory transport with a scripted worker.\n' +
      'The real worker, the WebRTC transport and the `trainwire` CLI are still to come.',
  );
  return 0;
}

main().then(
  (code) => proc.exit(code),
  (error: unknown) => {
    const message =
      isTrainwireError(error) || error instanceof Error ? error.message : String(error);
    console.error(`trainwire demo: ${message}`);
    proc.exit(2);
  },
);
