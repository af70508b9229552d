import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnTracked, type TrackedProcess } from './trackedProcess.js';

const RELAY = fileURLToPath(new URL('./fixtures/linkRelay.py', import.meta.url));
/** Debian's interpreter: the relay needs nothing beyond its standard library. */
const PYTHON = '/usr/bin/python3';
const PREFIX = 'twlab-';

/** One end of the link: a network namespace with a TUN device and one address. */
export interface LabSide {
  readonly ns: string;
  readonly address: string;
}

/** How the link behaves; each field left out keeps its current value. */
export interface LinkSettings {
  /** One-way delay per direction, ms: a round trip takes at least twice this. */
  delayMs?: number;
  /** Probability that each packet is dropped, 0..1. */
  loss?: number;
  /** Bytes per second in each direction (0: no cap). */
  rateBytesPerSec?: number;
}

/** Counters of one direction of the link. */
export interface DirectionStats {
  forwarded: number;
  bytes: number;
  lost: number;
  droppedDown: number;
  droppedQueue: number;
}

/** What the relay answers to every command. */
export interface RelayReply {
  settings: { delayMs: number; loss: number; rate: number; down: boolean };
  queued: number;
  aToB: DirectionStats;
  bToA: DirectionStats;
}

/**
 * Two network namespaces joined by a link that a relay of ours forwards in user space,
 * with a delay, a loss rate, a rate cap, or not at all. Everything between A and B
 * crosses it; neither namespace reaches anything else.
 */
export interface NetLab {
  readonly a: LabSide;
  readonly b: LabSide;
  /** A scratch folder for this lab, removed by {@link NetLab.close}. */
  readonly dir: string;
  /** Starts `command args` inside `side`'s namespace. */
  spawn(
    side: LabSide,
    command: string,
    args: readonly string[],
    env?: NodeJS.ProcessEnv,
  ): TrackedProcess;
  /** Runs `command args` inside `side` to its end. */
  exec(
    side: LabSide,
    command: string,
    args: readonly string[],
    env?: NodeJS.ProcessEnv,
  ): Promise<{ code: number | null; stdout: string; stderr: string }>;
  set(settings: LinkSettings): Promise<RelayReply>;
  /** Drops every packet, including those in flight, until {@link NetLab.up}. */
  down(): Promise<RelayReply>;
  up(): Promise<RelayReply>;
  stats(): Promise<RelayReply>;
  /** Mounts a tmpfs of `size` (e.g. `"2m"`) at a new folder; unmounted by close(). */
  mountTmpfs(size: string): string;
  /** Kills every process left in both namespaces, stops the relay, removes everything. */
  close(): Promise<void>;
}

let counter = 0;
const open = new Set<() => void>();
process.once('exit', () => {
  for (const close of open) close();
});

/** Throws, saying what is missing, unless this machine can host a lab; installs what apt-get can. */
export function ensureLabPrerequisites(): void {
  if (process.getuid?.() !== 0)
    throw new Error(
      'the fault suite creates network namespaces and TUN devices: run it as root (CI does)',
    );
  const missing: string[] = [];
  if (!existsSync(PYTHON)) missing.push('python3');
  if (!hasCommand('ip')) missing.push('iproute2');
  if (missing.length > 0) {
    if (!hasCommand('apt-get'))
      throw new Error(`the fault suite needs the Debian packages ${missing.join(', ')}`);
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  if (!existsSync('/dev/net/tun')) {
    mkdirSync('/dev/net', { recursive: true });
    execFileSync('mknod', ['/dev/net/tun', 'c', '10', '200']);
  }
}

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function pidsIn(ns: string): number[] {
  try {
    return execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function killAllIn(ns: string): void {
  // Only what this lab started lives in its namespaces.
  for (const pid of pidsIn(ns)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes the namespaces of labs whose test process died without closing them. */
function sweepStaleLabs(): void {
  let names: string[] = [];
  try {
    names = readdirSync('/var/run/netns');
  } catch {
    return;
  }
  for (const name of names) {
    const owner = new RegExp(`^${PREFIX}(\\d+)-`).exec(name)?.[1];
    if (owner === undefined || isAlive(Number(owner))) continue;
    killAllIn(name);
    try {
      execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    } catch {
      // someone else removed it
    }
  }
}

/**
 * Creates a lab: namespaces A (`10.77.0.1`) and B (`10.77.0.2`), named after this
 * process, and the relay between them, initially a clean link.
 */
export async function createNetLab(): Promise<NetLab> {
  ensureLabPrerequisites();
  sweepStaleLabs();
  const id = `${PREFIX}${process.pid}-${++counter}`;
  const a: LabSide = { ns: `${id}-a`, address: '10.77.0.1' };
  const b: LabSide = { ns: `${id}-b`, address: '10.77.0.2' };
  const dir = mkdtempSync(join(tmpdir(), `${id}-`));
  const mounts: string[] = [];
  let relay: ChildProcess | undefined;
  let closed = false;

  const closeSync = () => {
    if (closed) return;
    closed = true;
    open.delete(closeSync);
    for (const side of [a, b]) killAllIn(side.ns);
    if (relay?.pid !== undefined && relay.exitCode === null) relay.kill('SIGKILL');
    for (const side of [a, b]) {
      try {
        execFileSync('ip', ['netns', 'del', side.ns], { stdio: 'ignore' });
      } catch {
        // not created
      }
    }
    for (const mount of mounts.reverse()) {
      try {
        execFileSync('umount', ['-l', mount], { stdio: 'ignore' });
      } catch {
        // not mounted
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  open.add(closeSync);

  try {
    for (const side of [a, b]) execFileSync('ip', ['netns', 'add', side.ns]);
    relay = spawn(
      PYTHON,
      [RELAY, '--ns-a', a.ns, '--ns-b', b.ns, '--addr-a', a.address, '--addr-b', b.address],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
  } catch (error) {
    closeSync();
    throw error;
  }
  const started = relay;
  let stderr = '';
  started.stderr?.on('data', (d: Buffer) => (stderr += d));
  const replies: Array<(line: string) => void> = [];
  let buffered = '';
  let exited = false;
  started.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      replies.shift()?.(line);
    }
  });
  started.on('exit', () => {
    exited = true;
    for (const waiter of replies.splice(0)) waiter('');
  });
  const nextLine = () =>
    new Promise<string>((resolve) => {
      if (exited) resolve('');
      else replies.push(resolve);
    });

  // One command at a time, each answered by one line.
  let chain: Promise<unknown> = Promise.resolve();
  const command = (line: string): Promise<RelayReply> => {
    const result = chain.then(async () => {
      const reply = nextLine();
      started.stdin?.write(`${line}\n`);
      const text = await reply;
      if (text === '') throw new Error(`the link relay exited:\n${stderr}`);
      const parsed = JSON.parse(text) as RelayReply & { error?: string };
      if (parsed.error !== undefined) throw new Error(`link relay: ${parsed.error}`);
      return parsed;
    });
    chain = result.catch(() => undefined);
    return result;
  };

  const ready = await nextLine();
  if (!ready.includes('"ready"')) {
    closeSync();
    throw new Error(`the link relay did not start:\n${stderr}`);
  }

  const inNs = (side: LabSide, command: string, args: readonly string[]) => [
    'netns',
    'exec',
    side.ns,
    command,
    ...args,
  ];

  return {
    a,
    b,
    dir,
    spawn: (side, command, args, env = process.env) =>
      spawnTracked('ip', inNs(side, command, args), env),
    exec: async (side, command, args, env = process.env) => {
      const proc = spawnTracked('ip', inNs(side, command, args), env);
      const { code } = await proc.exited;
      return { code, stdout: proc.stdout(), stderr: proc.stderr() };
    },
    set: async (settings) => {
      let reply: RelayReply | undefined;
      if (settings.delayMs !== undefined) reply = await command(`delay ${settings.delayMs}`);
      if (settings.loss !== undefined) reply = await command(`loss ${settings.loss}`);
      if (settings.rateBytesPerSec !== undefined)
        reply = await command(`rate ${settings.rateBytesPerSec}`);
      return reply ?? command('stats');
    },
    down: () => command('down'),
    up: () => command('up'),
    stats: () => command('stats'),
    mountTmpfs: (size) => {
      const path = mkdtempSync(join(dir, 'tmpfs-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path]);
      mounts.push(path);
      return path;
    },
    close: async () => {
      if (closed) return;
      if (!exited) {
        await Promise.race([
          command('quit').catch(() => undefined),
          new Promise((resolve) => setTimeout(resolve, 2_000)),
        ]);
      }
      closeSync();
    },
  };
}
