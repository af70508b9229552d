import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  builtinConfigProfile,
  CONFIG_PROFILES,
  ConfigProfileRegistry,
  container,
  JobManager,
  registerCore,
  TRANSPORT,
} from '@trainwire/core';
import {
  connectWithCredentials,
  createSignalingServer,
  goOnline,
} from '@trainwire/transport-webrtc';
import { createWorker, loadWorkerConfig, type Worker } from '@trainwire/worker';

/** The Python the trainer runs with: Debian's, which has python3-torch (the pyenv one on PATH has not). */
export const PYTHON = process.env.TRAINWIRE_PYTHON ?? '/usr/bin/python3';
/** The worker's PyTorch trainer. */
export const TRAIN_PY = fileURLToPath(
  new URL('../../worker/trainers/pytorch/train.py', import.meta.url),
);
const ENSURE_DEPS = fileURLToPath(new URL('../../../scripts/ensure-test-deps.sh', import.meta.url));

/** What `train.py --self-check` prints. */
export interface SelfCheck {
  ok: boolean;
  torch?: string;
  cuda?: boolean;
  device?: 'cpu' | 'cuda';
  pyzmq?: string;
  missing: string[];
}

/**
 * Installs python3-torch and python3-zmq when they do not import (the test setup's
 * `ensure-test-deps.sh python`), then asks the trainer itself whether it can run.
 */
export function ensureTorch(): SelfCheck {
  const first = selfCheck();
  if (first.ok) return first;
  execFileSync('bash', [ENSURE_DEPS, 'python'], { stdio: ['ignore', 'inherit', 'inherit'] });
  return selfCheck();
}

function selfCheck(): SelfCheck {
  // Exit 1 (something missing) still prints the report.
  const result = spawnSync(PYTHON, [TRAIN_PY, '--self-check'], { encoding: 'utf8' });
  if (result.error) throw new Error(`cannot run ${PYTHON}: ${result.error.message}`);
  try {
    return JSON.parse(result.stdout) as SelfCheck;
  } catch {
    throw new Error(
      `${TRAIN_PY} --self-check printed no report:\n${result.stdout}${result.stderr}`,
    );
  }
}

/** A signaling server, a worker configured by a worker.yaml with a `pytorch` profile, and a client over WebRTC. */
export interface TorchLab {
  dir: string;
  worker: Worker;
  manager: JobManager;
  /** A client that does not know the pytorch profile (an older one, or another language's): it sends configs unchecked. */
  uncheckedManager: JobManager;
  /** `<dataDir>/runs/<jobId>`. */
  runDir(jobId: string): string;
  close(): Promise<void>;
}

/** Starts a {@link TorchLab} on loopback; `extraYaml` is appended to its worker.yaml. */
export async function startTorchLab(extraYaml = ''): Promise<TorchLab> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-pytorch-'));
  const cleanups: Array<() => Promise<unknown> | unknown> = [
    () => rmSync(dir, { recursive: true, force: true }),
  ];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch(() => undefined);
    }
  };
  try {
    const yaml = join(dir, 'worker.yaml');
    writeFileSync(
      yaml,
      [
        'name: torch-1',
        'dataDir: ./worker',
        // Long enough that a stop is the control message's doing, never the SIGINT after it.
        'stopGraceMs: 60000',
        'cancelGraceMs: 5000',
        'profiles:',
        '  - id: pytorch',
        '    description: PyTorch keypoint CNN (packages/worker/trainers/pytorch)',
        `    command: [${JSON.stringify(PYTHON)}, ${JSON.stringify(TRAIN_PY)}]`,
        '    env: { PYTHONUNBUFFERED: "1" }',
        extraYaml,
      ].join('\n'),
    );
    const server = await createSignalingServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: join(dir, 'signal'),
    });
    cleanups.push(() => server.close());
    server.createRoom('lab');
    const room = { signalingUrl: server.url, room: 'lab' };
    const config = loadWorkerConfig(yaml);
    const worker = await createWorker(config);
    cleanups.push(() => worker.close());
    const online = await goOnline(worker, {
      ...room,
      credential: server.createCredential('lab', 'worker-key').secret,
    });
    cleanups.push(() => online.close());
    // As `trainwire train --worker torch-1` connects.
    const link = await connectWithCredentials(
      { ...room, credential: server.createCredential('lab', 'room-token').secret },
      { worker: 'torch-1' },
    );
    cleanups.push(() => link.close());
    const scope = registerCore(container.createChildContainer());
    scope.register(TRANSPORT, { useValue: link.transport });
    const manager = scope.resolve(JobManager);
    cleanups.push(() => manager.dispose());
    const unchecked = container.createChildContainer();
    unchecked.register(CONFIG_PROFILES, {
      useValue: new ConfigProfileRegistry([builtinConfigProfile]),
    });
    registerCore(unchecked);
    unchecked.register(TRANSPORT, { useValue: link.transport });
    const uncheckedManager = unchecked.resolve(JobManager);
    cleanups.push(() => uncheckedManager.dispose());
    return {
      dir,
      worker,
      manager,
      uncheckedManager,
      runDir: (jobId) => join(config.dataDir, 'runs', jobId),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Pids of the processes whose environment says they are `jobId`'s trainer (read from /proc). */
export function processesOfJob(jobId: string): number[] {
  const marker = `\0TRAINWIRE_JOB_ID=${jobId}\0`;
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (`\0${readFileSync(`/proc/${name}/environ`, 'latin1')}`.includes(marker)) {
        pids.push(Number(name));
      }
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

/** True while a process group `pgid` has a member. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
