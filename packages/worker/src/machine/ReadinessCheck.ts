import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { Device, ProfileReadiness, WorkerReadiness } from '@trainwire/core';
import type { TrainerProfile } from '../config/WorkerConfig.js';
import type { MachineInfo } from './detectMachine.js';

/** What the readiness check looks at. */
export interface ReadinessSources {
  profiles: ReadonlyMap<string, TrainerProfile>;
  machine: MachineInfo;
  cpuOnly: boolean;
  builtinTrainer: string | undefined;
  ttlMs: number;
  now: () => number;
  /** Where commands are looked up (`PATH`). */
  path?: string | undefined;
}

const SELF_CHECK_TIMEOUT_MS = 30_000;
const LOG_LINES = 40;

/**
 * Whether a worker can train, per trainer profile: its command found, its own self-check
 * passed (the `pytorch` profile's `--self-check`), with a short log; and the GPU. The
 * answer is kept `ttlMs`; `get(true)` checks again. Checks of concurrent callers are
 * shared. Never rejects: a check that fails says why in `reason`.
 */
export class ReadinessCheck {
  private cached: WorkerReadiness | undefined;
  private running: Promise<WorkerReadiness> | undefined;

  constructor(private readonly sources: ReadinessSources) {}

  /** The readiness, from the cache when it is fresh and `refresh` is not set. */
  async get(refresh = false): Promise<WorkerReadiness> {
    const { now, ttlMs } = this.sources;
    const cached = this.cached;
    if (!refresh && cached !== undefined && now() - cached.checkedAt < ttlMs)
      return { ...cached, cached: true };
    this.running ??= this.check().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async check(): Promise<WorkerReadiness> {
    const { machine, cpuOnly, profiles, now, ttlMs } = this.sources;
    const checked = await Promise.all([...profiles.values()].map((p) => this.checkProfile(p)));
    const gpuOffered = !cpuOnly && machine.gpu !== null;
    const devices: Device[] = gpuOffered ? ['auto', 'gpu', 'cpu'] : ['cpu'];
    const readiness: WorkerReadiness = {
      gpu: { summary: machine.summary, gpus: machine.gpus },
      cpuOnly,
      devices,
      profiles: checked,
      checkedAt: now(),
      ttlMs,
      cached: false,
    };
    this.cached = readiness;
    return readiness;
  }

  private async checkProfile(profile: TrainerProfile): Promise<ProfileReadiness> {
    const log: string[] = [];
    const program = profile.command[0]!.replaceAll('{node}', process.execPath);
    const found = this.findProgram(program);
    const command = { program, found: found !== undefined };
    const base = { profile: profile.id, command };
    if (found === undefined) {
      log.push(`${program}: not found`);
      return {
        ...base,
        ready: false,
        reason: `${program} was not found on this worker; install it, or fix the profile's command`,
        log,
      };
    }
    log.push(`${program}: ${found}`);
    if (profile.command.some((arg) => arg.includes('{builtinTrainer}'))) {
      const trainer = this.sources.builtinTrainer;
      if (trainer === undefined || !existsSync(trainer)) {
        log.push(`built-in trainer: ${trainer ?? '(none)'} is missing`);
        return {
          ...base,
          ready: false,
          reason:
            'the built-in trainer is not built on this worker; run "npm run build -w @trainwire/worker" there',
          log,
        };
      }
      log.push(`built-in trainer: ${trainer}`);
    }
    if (profile.selfCheck === undefined) return { ...base, ready: true, log };
    const selfCheck = await runSelfCheck(profile.selfCheck);
    log.push(`$ ${profile.selfCheck.join(' ')}`, ...selfCheck.lines, selfCheck.ending);
    return {
      ...base,
      ready: selfCheck.ok,
      selfCheck: { ok: selfCheck.ok, summary: selfCheck.summary, exitCode: selfCheck.exitCode },
      ...(selfCheck.ok ? {} : { reason: selfCheck.summary }),
      log: log.slice(-LOG_LINES),
    };
  }

  /** The program's path when it exists and may be run: a path, or a name on `PATH`. */
  private findProgram(program: string): string | undefined {
    const candidates =
      isAbsolute(program) || program.includes('/')
        ? [program]
        : (this.sources.path ?? process.env.PATH ?? '')
            .split(delimiter)
            .filter((dir) => dir !== '')
            .map((dir) => join(dir, program));
    return candidates.find((candidate) => {
      try {
        accessSync(candidate, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  }
}

interface SelfCheckOutcome {
  ok: boolean;
  exitCode: number | null;
  summary: string;
  lines: string[];
  ending: string;
}

/** Runs a self-check command (30 s at most) and reads its verdict. Never rejects. */
function runSelfCheck(argv: readonly string[]): Promise<SelfCheckOutcome> {
  return new Promise((resolve) => {
    execFile(
      argv[0]!,
      argv.slice(1),
      {
        timeout: SELF_CHECK_TIMEOUT_MS,
        encoding: 'utf8',
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      },
      (error, stdout, stderr) => {
        const lines = `${stdout}\n${stderr}`
          .split('\n')
          .map((l) => l.trimEnd())
          .filter((l) => l !== '')
          .map((l) => l.slice(0, 2048));
        const errno = (error as NodeJS.ErrnoException | null)?.code;
        const exitCode = error === null ? 0 : typeof errno === 'number' ? errno : null;
        const killed = (error as { killed?: boolean } | null)?.killed === true;
        const ok = error === null;
        const ending = killed
          ? `took longer than ${SELF_CHECK_TIMEOUT_MS / 1000} s and was stopped`
          : `exit code ${exitCode ?? (typeof errno === 'string' ? errno : 'unknown')}`;
        resolve({
          ok,
          exitCode,
          summary: summarise(stdout, ok, ending),
          lines: lines.slice(-LOG_LINES + 3),
          ending,
        });
      },
    );
  });
}

/**
 * The verdict in one line: from the JSON report of the PyTorch trainer's `--self-check`
 * ("torch 2.3.0 on cuda", "torch is not importable on this worker"), else the exit.
 */
function summarise(stdout: string, ok: boolean, ending: string): string {
  const report = lastJsonLine(stdout);
  const missing = Array.isArray(report?.missing)
    ? report.missing.filter((m): m is string => typeof m === 'string')
    : [];
  if (!ok && missing.length > 0) {
    return `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not importable on this worker (install ${missing.map((m) => (m === 'torch' ? 'python3-torch' : 'python3-zmq')).join(' and ')}, or set TRAINWIRE_PYTHON to a Python that has them)`;
  }
  if (ok && typeof report?.torch === 'string')
    return `torch ${report.torch} on ${String(report.device ?? 'cpu')}`;
  return ok ? 'the self-check passed' : `the self-check failed (${ending})`;
}

function lastJsonLine(stdout: string): Record<string, unknown> | undefined {
  const line = stdout.trim().split('\n').at(-1);
  if (!line?.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
