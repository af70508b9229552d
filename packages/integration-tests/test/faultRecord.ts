import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'vitest';

/**
 * Where the fault suite's outcomes go, one JSON file per case (tests in several processes
 * at once never share a file); `scripts/reliability-report.mjs` reads them.
 */
export const FAULTS_DIR = fileURLToPath(new URL('../.vitest/faults/', import.meta.url));

/** One scenario's outcome, as docs/reliability.md shows it. */
export interface FaultRecord {
  /** Short stable id, e.g. `link-down-20s`; the table's order is by `group`, then `id`. */
  id: string;
  group: string;
  /** What was broken. */
  fault: string;
  /** What was tried while it was broken (the commands, the inputs). */
  tried: string;
  /** What a user saw, filled in as the test goes. */
  happened: string[];
  /** Measured numbers (seconds, counts, bytes). */
  measured: Record<string, number | string>;
  outcome: 'pass' | 'fail';
  /** The first line of the assertion that failed. */
  failure?: string;
  /** When it ran (ISO). */
  at: string;
  durationS: number;
}

/** What a fault test writes into its record while it runs. */
export interface FaultScenario {
  /** A sentence of what happened (kept in order). */
  saw(text: string): void;
  /** A measured number or value. */
  measure(key: string, value: number | string): void;
}

/**
 * Starts the record of the running test; it is written to {@link FAULTS_DIR} when the test
 * ends, pass or fail, with the failure's first line.
 */
export function recordFault(
  context: TestContext,
  meta: Pick<FaultRecord, 'id' | 'group' | 'fault' | 'tried'>,
): FaultScenario {
  const started = Date.now();
  const happened: string[] = [];
  const measured: Record<string, number | string> = {};
  context.onTestFinished(({ task }) => {
    const errors = task.result?.errors ?? [];
    const failed = task.result?.state === 'fail' || errors.length > 0;
    // Every failed expectation (soft ones go on), first lines only.
    const message = errors
      .slice(0, 4)
      .map((error) => firstLines(error.message ?? ''))
      .join(' • ');
    writeRecord({
      ...meta,
      happened,
      measured,
      outcome: failed ? 'fail' : 'pass',
      ...(failed ? { failure: message.slice(0, 900) } : {}),
      at: new Date(started).toISOString(),
      durationS: Math.round((Date.now() - started) / 100) / 10,
    });
  });
  return {
    saw: (text) => happened.push(text),
    measure: (key, value) => {
      measured[key] = typeof value === 'number' ? Math.round(value * 100) / 100 : value;
    },
  };
}

function firstLines(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.slice(0, 3).join(' ').slice(0, 400);
}

function writeRecord(record: FaultRecord): void {
  mkdirSync(FAULTS_DIR, { recursive: true });
  const path = join(FAULTS_DIR, `${record.id}.json`);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(temporary, path);
}
