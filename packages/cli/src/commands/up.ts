import { constants } from 'node:fs';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_PRESETS } from '@trainwire/core';
import { UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import { intFlag, type ParsedArgs, stringFlag } from '../internal/args.js';
import { buildSpec } from '../internal/buildSpec.js';
import type { Connect } from '../internal/Connection.js';
import { connectWithCredentials } from '../internal/defaultConnect.js';
import { EMBEDDED, writeUpFile } from '../internal/embedded.js';
import { framed } from '../internal/format.js';
import { fsProblem } from '../internal/fsProblem.js';
import { goOnline } from '../internal/goOnline.js';
import { serveDemo } from '../internal/serveDemo.js';
import { viewerAddresses } from '../internal/viewerAddresses.js';
import { runOnConnection } from './train.js';

const { room: ROOM, worker: WORKER } = EMBEDDED;

/** The built demo host (`apps/demo-host/dist`), from this file in `src/` or `dist/`. */
const DEMO_DIST = fileURLToPath(new URL('../../../../apps/demo-host/dist/', import.meta.url));

/** The demo page's address with the room filled in (`?signal=…&room=…&token=…`). */
export function demoPageUrl(page: string, room: { url: string; room: string; token: string }) {
  const query = new URLSearchParams({ signal: room.url, room: room.room, token: room.token });
  return `${page}?${query}`;
}

/**
 * `trainwire up`: the whole system on one machine — a signaling server on loopback, a
 * worker with its data directory, a client over WebRTC — training the built-in model
 * (preset `quick` unless told otherwise) with live progress. `--keep-running` leaves the
 * server and worker up for other clients, and serves the demo host's page
 * (`apps/demo-host/dist`, or `$TRAINWIRE_DEMO_DIR`) on a loopback port when it is built.
 */
export async function upCommand(args: ParsedArgs, io: Io): Promise<number> {
  const dataDir = resolve(stringFlag(args, 'data-dir') ?? '.trainwire');
  const json = args.values.json === true;
  const note = (text: string) => {
    if (!json) io.stdout.write(text);
  };
  const spec = await buildSpec(args);
  if (
    stringFlag(args, 'config') === undefined &&
    stringFlag(args, 'preset') === undefined &&
    spec.profile === 'builtin'
  ) {
    spec.config = { ...structuredClone(BUILTIN_PRESETS.quick), ...spec.config };
  }
  // Checked before anything starts: a bad address is exit 2 with nothing left running.
  await viewerAddresses(args);
  const port = intFlag(args, 'port', 0, 65535) ?? 0;
  const unusable = (error: unknown) =>
    new UsageError(
      `cannot use --data-dir ${dataDir}: ${fsProblem(error)}; pass --data-dir a folder you can write to`,
      { cause: error },
    );
  // An existing read-only folder passes mkdir: try a write, before a port is opened.
  await mkdir(dataDir, { recursive: true })
    .then(() => access(dataDir, constants.W_OK))
    .then(async () => {
      const probe = join(dataDir, `.write-check-${process.pid}`);
      await writeFile(probe, '');
      await rm(probe, { force: true });
    })
    .catch((error: unknown) => {
      throw unusable(error);
    });

  const [{ createSignalingServer }, { createWorker, checkPytorch, defaultPython }] =
    await Promise.all([import('@trainwire/transport-webrtc'), import('@trainwire/worker')]);
  // The PyTorch trainer needs torch and pyzmq in the worker's Python: said before anything
  // starts, with what to install, rather than as a failed job.
  if (spec.profile === 'pytorch') {
    const torch = await checkPytorch(defaultPython(io.env));
    if (!torch.ok) throw new UsageError(`--profile pytorch cannot train here: ${torch.summary}`);
    note(`PyTorch trainer: ${torch.summary}\n`);
  }
  // The worker first: it takes the data dir's lock, so a second `up` in the same folder
  // is refused (naming the other run's pid) before it opens a port or touches the store.
  const worker = await createWorker({
    dataDir: join(dataDir, 'worker'),
    name: WORKER,
    ...(args.values['cpu-only'] === true ? { cpuOnly: true } : {}),
  });
  // Run in order at the end: the worker first, while its clients can still hear it.
  const cleanups: Array<() => Promise<unknown>> = [() => worker.close()];
  try {
    const server = await createSignalingServer({
      host: '127.0.0.1',
      port,
      dataDir: join(dataDir, 'signal'),
      // Its own run's credentials are revoked at the end: not news. Anything else is.
      logger: (entry) => {
        if (entry.event !== 'credential_revoked')
          io.stderr.write(`trainwire signal: ${entry.message}\n`);
      },
    });
    cleanups.push(() => server.close());
    // Inside the try: a store that cannot be written must not leave the port open.
    server.createRoom(ROOM, 'trainwire up');
    const workerKey = server.createCredential(ROOM, 'worker-key', 'trainwire up: worker');
    const clientToken = server.createCredential(ROOM, 'room-token', 'trainwire up: client');
    cleanups.splice(cleanups.length - 1, 0, async () => {
      server.revokeCredential(workerKey.id);
      server.revokeCredential(clientToken.id);
    });
    const online = await goOnline(worker, {
      url: server.url,
      room: ROOM,
      credential: workerKey.secret,
    });
    cleanups.splice(1, 0, () => online.close());
    // Other commands join this run with `--data-dir DIR` (they would otherwise find the
    // store locked): the address and a client token, readable by this user only.
    const upFile = await writeUpFile(dataDir, {
      url: server.url,
      room: ROOM,
      token: clientToken.secret,
      worker: WORKER,
    });
    cleanups.unshift(() => upFile.remove());
    note(
      `Signaling server ${server.url} · worker ${WORKER} (${worker.info().gpu === null ? 'GPU: Not detected, training on the CPU' : `GPU: ${worker.info().gpu?.name}`}) · data in ${dataDir}\n`,
    );

    const credentials = {
      signalingUrl: server.url,
      room: ROOM,
      credential: clientToken.secret,
      role: 'client',
    } as const;
    const connect: Connect = (options) => connectWithCredentials(credentials, options, io);
    const connection = await connect({ worker: WORKER });
    // Closed once, whichever comes first: here, or by the cleanups when a step fails late.
    let closing: Promise<void> | undefined;
    const closeConnection = () => {
      closing ??= connection.close();
      return closing;
    };
    cleanups.unshift(closeConnection);
    const code = await runOnConnection(args, io, connection, spec, {}, { connect });
    await closeConnection();

    note(
      `\nEverything ${WORKER} keeps (store, runs, checkpoints, models, datasets) is under ${join(dataDir, 'worker')}.\n`,
    );
    if (args.values['keep-running'] === true) {
      // Never fatal: without the page, the server and worker still serve CLI clients.
      const demo = await serveDemo({ root: io.env.TRAINWIRE_DEMO_DIR ?? DEMO_DIST });
      if (typeof demo !== 'string') cleanups.unshift(() => demo.close());
      const page =
        typeof demo === 'string'
          ? undefined
          : demoPageUrl(demo.url, { url: server.url, room: ROOM, token: clientToken.secret });
      note(framed(`trainwire is up: ${server.url}, room "${ROOM}"`));
      note(
        `Other clients can join with:\n  trainwire login --url ${server.url} --room ${ROOM} --token ${clientToken.secret}\n  trainwire train --worker ${WORKER} --preset quick\n`,
      );
      note(
        page === undefined
          ? `Demo page: not served: ${demo as string}\n`
          : `Demo page (turn on "Enable experimental features" under Settings):\n  ${page}\n`,
      );
      note('Ctrl-C to shut down.\n');
      if (json)
        io.stdout.write(
          `${JSON.stringify({
            up: true,
            url: server.url,
            room: ROOM,
            token: clientToken.secret,
            worker: WORKER,
            ...(page === undefined ? { demoProblem: demo } : { demo: page }),
          })}\n`,
        );
      await new Promise<void>((done) => {
        const removeInterrupt = io.onInterrupt(() => {
          removeInterrupt();
          removeTerminate();
          done();
        });
        const removeTerminate = io.onTerminate(() => {
          removeInterrupt();
          removeTerminate();
          done();
        });
      });
    } else {
      note(
        `Next: \`npm start -- --epochs 30\` trains longer; \`npm start -- --keep-running\` leaves the system up for \`trainwire train\`.\n`,
      );
    }
    return code;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
}
