import { act, cleanup } from '@testing-library/react';
import { type JobManagerOptions, JobSession } from '@trainwire/core';
import {
  createScriptedSetup,
  type ScriptedSetup,
  type ScriptedWorkerOptions,
  VirtualClock,
} from '@trainwire/core/testing';
import axe from 'axe-core';
import { afterEach, expect } from 'vitest';

// Real core objects for the widget tests: a JobManager over a MemoryTransport to a
// ScriptedWorker, on a VirtualClock (as core's reachability tests do).

const disposers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  cleanup();
  for (const dispose of disposers.splice(0)) await dispose();
});

export type Setup = Omit<ScriptedSetup, 'dispose'>;

/** Runs `dispose` after the test (after the rendered tree is gone). */
export function afterThisTest(dispose: () => Promise<void> | void): void {
  disposers.push(dispose);
}

export async function setup(
  options: JobManagerOptions = {},
  workerOptions: ScriptedWorkerOptions = {},
): Promise<Setup> {
  const ready = await createScriptedSetup({ manager: options, worker: workerOptions });
  disposers.push(ready.dispose);
  return ready;
}

/** Moves virtual time inside `act`, so React sees every notification. */
export async function tick(clock: VirtualClock, ms: number, stepMs = 100): Promise<void> {
  await act(async () => {
    await clock.tick(ms, stepMs);
  });
}

/** Lets pending microtasks (a session's batched notification) reach React. */
export async function flush(): Promise<void> {
  await act(async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  });
}

/**
 * A session fed by hand with worker events (a real `JobSession`, its link a stub that has
 * nothing to fetch): for outcomes the scripted worker does not produce.
 */
export function handSession(
  init: {
    jobId?: string;
    totalEpochs?: number;
    logTail?: number;
    name?: string;
    /** A pipeline's stages (the spec's `stages`; the profile is then `pipeline`). */
    stages?: Array<{ name: string; profile: string; config?: Record<string, unknown> }>;
  } = {},
) {
  const clock = new VirtualClock();
  const calls: string[] = [];
  const session = new JobSession({
    jobId: init.jobId ?? 'job-1',
    spec: {
      profile: init.stages === undefined ? 'builtin' : 'pipeline',
      config: {},
      inputs: {},
      device: 'auto',
      tags: [],
      ...(init.name === undefined ? {} : { name: init.name }),
      ...(init.stages === undefined
        ? {}
        : { stages: init.stages.map((s) => ({ config: {}, inputs: {}, ...s })) }),
    },
    link: {
      fetchEvents: async () => [],
      stop: async () => {
        calls.push('stop');
      },
      cancel: async () => {
        calls.push('cancel');
      },
    },
    workerName: 'gpu-1',
    scheduler: clock,
    ...(init.totalEpochs === undefined ? {} : { totalEpochs: init.totalEpochs }),
    ...(init.logTail === undefined ? {} : { logTail: init.logTail }),
    ...(init.stages === undefined
      ? {}
      : { stageTotalEpochs: init.stages.map((s) => s.config?.epochs as number | undefined) }),
  });
  let seq = 0;
  const emit = (event: Record<string, unknown>) => {
    seq++;
    // The wire format: a job event as the worker sends it.
    session.ingest({ jobId: session.jobId, seq, ts: seq * 1_000, ...event } as never);
  };
  return { session, emit, calls, clock };
}

/** Runs axe-core on `container` and fails with the rule ids and targets of any violation. */
export async function expectAccessible(container: Element): Promise<void> {
  const result = await axe.run(container, {
    // Colour contrast needs layout and computed colours, which happy-dom does not have.
    rules: { 'color-contrast': { enabled: false } },
  });
  const found = result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  expect(found).toEqual([]);
}

/**
 * Moves virtual time in `stepMs` steps until `check` holds (it returns what it found), for
 * at most `withinMs` of virtual time; then fails saying what it waited for.
 */
export async function until<T>(
  clock: VirtualClock,
  what: string,
  check: () => T | null | undefined | false,
  { withinMs = 60_000, stepMs = 50 } = {},
): Promise<T> {
  for (let waited = 0; waited <= withinMs; waited += stepMs) {
    const found = check();
    if (found !== null && found !== undefined && found !== false) return found;
    await tick(clock, stepMs, stepMs);
  }
  throw new Error(`waited ${withinMs} ms of virtual time for ${what}`);
}
