import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ExpectStatic, expect } from 'vitest';
import { shellSplit } from './cli.js';
import { type FaultLab, smallConfig } from './faultLab.js';
import type { FaultScenario } from './faultRecord.js';
import {
  epochsOf,
  finalStateOf,
  type JsonLine,
  jobEventsOf,
  parseNdjson,
  range,
} from './jobEvents.js';
import type { OutputLine, TrackedProcess } from './trackedProcess.js';

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until a `--json` client printed the `epoch_end` of 0-based `epoch`; returns the job id. */
export async function waitForEpoch(
  proc: TrackedProcess,
  epoch: number,
  timeoutMs = 60_000,
): Promise<string> {
  const line = await proc.waitForLine(new RegExp(`"event":"epoch_end","epoch":${epoch}[,}]`), {
    stream: 'stdout',
    timeoutMs,
  });
  return (JSON.parse(line.text) as { jobId: string }).jobId;
}

/** The first line (of `stream`) matching `pattern` printed after `afterMs` (process time). */
export function lineAfter(
  proc: TrackedProcess,
  pattern: RegExp,
  afterMs = 0,
  stream?: 'stdout' | 'stderr',
): OutputLine | undefined {
  return proc.lines.find(
    (l) => l.at >= afterMs && (stream === undefined || l.stream === stream) && pattern.test(l.text),
  );
}

/** Milliseconds since `proc` started. */
export function clockOf(proc: TrackedProcess): number {
  return Date.now() - proc.startedAt;
}

/** Epochs done according to the job's `last.json` on the worker's disk (null if none). */
export function workerCheckpointEpoch(lab: FaultLab, jobId: string, dataDir = lab.workerDataDir) {
  try {
    return checkpointEpochOf(join(dataDir, 'runs', jobId, 'checkpoints', 'last.json'));
  } catch {
    return null;
  }
}

/**
 * Waits (up to `timeoutMs`) until the job's `last.json` on the worker's disk has at least
 * `epochs` epochs done; returns what it has then (null if none).
 */
export async function waitForCheckpoint(
  lab: FaultLab,
  jobId: string,
  epochs: number,
  timeoutMs = 5_000,
): Promise<number | null> {
  const until = Date.now() + timeoutMs;
  let epoch = workerCheckpointEpoch(lab, jobId);
  while ((epoch ?? -1) < epochs && Date.now() < until) {
    await sleep(20);
    epoch = workerCheckpointEpoch(lab, jobId);
  }
  return epoch;
}

/** Resident memory of a process, MiB (from /proc). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kib / 1024;
}

/** `train --worker W --profile paced --config CONFIG ARGS…` (a config already written). */
export function pacedTrainArgs(lab: FaultLab, config: string, ...args: string[]): string[] {
  return ['train', '--worker', lab.workerName, '--profile', 'paced', '--config', config, ...args];
}

/** Starts `train` of an `epochs`-epoch paced job, its config written as `configName`. */
export function trainPaced(
  lab: FaultLab,
  configName: string,
  epochs: number,
  ...args: string[]
): TrackedProcess {
  return lab.client(pacedTrainArgs(lab, lab.writeConfig(configName, smallConfig(epochs)), ...args));
}

/** The first stderr line matching `pattern` within `timeoutMs`, or `undefined`. */
export function stderrLineWithin(
  proc: TrackedProcess,
  pattern: RegExp,
  timeoutMs: number,
): Promise<OutputLine | undefined> {
  return proc.waitForLine(pattern, { stream: 'stderr', timeoutMs }).catch(() => undefined);
}

/** Seconds from `fromMs` to something that happened at `at` (process time), or `'never'`. */
export function secondsAfter(
  happened: { at: number } | undefined,
  fromMs: number,
  none = 'never',
): number | string {
  return happened === undefined ? none : (happened.at - fromMs) / 1000;
}

/** `attach JOB --json` of the lab's worker, to its end, with its history parsed. */
export async function attachJob(lab: FaultLab, jobId: string) {
  const attach = await lab.clientRun(['attach', jobId, '--worker', lab.workerName, '--json']);
  const history = parseNdjson(attach.stdout);
  return { attach, history, events: jobEventsOf(history), epochs: epochsOf(history) };
}

/** `"epochs A–B, final state S"` of a job's history, for a record's `happened`. */
export function epochsAndState(history: readonly JsonLine[]): string {
  const epochs = epochsOf(history);
  return `epochs ${epochs[0] ?? '-'}–${epochs.at(-1) ?? '-'}, final state ${finalStateOf(history) ?? 'none'}`;
}

/** The resume command a failed `train` printed: its line, its arguments, its checkpoint. */
export function printedResume(stdout: string) {
  const line = stdout.split('\n').find((l) => l.trim().startsWith('trainwire train'));
  if (line === undefined) return undefined;
  const [, ...args] = shellSplit(line.trim());
  return { line, args, checkpoint: args[args.indexOf('--resume') + 1]! };
}

/** Epochs done according to a checkpoint file (`last.json` or the like). */
export function checkpointEpochOf(path: string): number {
  return (JSON.parse(readFileSync(path, 'utf8')) as { epoch: number }).epoch;
}

/** Measures when each `{"type":"connection"}` line came, in seconds after `fromMs`. */
export function measureConnectionLines(
  scenario: FaultScenario,
  proc: TrackedProcess,
  fromMs: number,
): void {
  for (const line of proc.lines.filter((l) => l.text.startsWith('{"type":"connection"')))
    scenario.measure(
      `"${(JSON.parse(line.text) as { status: string }).status}" line at s after the cut`,
      (line.at - fromMs) / 1000,
    );
}

/** The job's events are numbered 1, 2, 3, … with none missing or twice. */
export function expectEveryEventOnce(events: readonly JsonLine[]): void {
  expect(events.map((e) => e.seq)).toEqual(range(1, events.length));
}

/** The job completed with epochs 0…`epochs`-1 and every event once. */
export function expectCompletedOnce(lines: readonly JsonLine[], epochs: number): void {
  expect(epochsOf(lines)).toEqual(range(0, epochs - 1));
  expectEveryEventOnce(jobEventsOf(lines));
  expect(finalStateOf(lines)).toBe('completed');
}

/**
 * The soft checks of a "Worker w1 is unreachable …" stderr line: it names the running epoch and
 * came within 15 s of `fromMs`.
 */
export function softUnreachable(
  soft: ExpectStatic['soft'],
  unreachable: OutputLine | undefined,
  fromMs: number,
): void {
  soft(unreachable?.text ?? '(no such line)', 'a stderr line "Worker w1 is unreachable …"').toMatch(
    /epoch.*running/i,
  );
  soft(
    unreachable === undefined ? Infinity : unreachable.at - fromMs,
    'unreachable after',
  ).toBeLessThan(15_000);
}
