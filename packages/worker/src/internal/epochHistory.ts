import { statSync } from 'node:fs';
import { type DatasetSize, presetsFor, type RunTiming } from '@trainwire/core';
import type { WorkerDatabase } from '../store/openDatabase.js';

/** How many of a profile's latest completed jobs an estimate looks at. */
const RECENT_JOBS = 50;

interface JobRow {
  job_id: string;
  spec: string;
}

interface MarkRow {
  ts: number;
  event: string | null;
}

/**
 * The size of a job's dataset: the bytes of its `dataset` input file, else the synthetic
 * samples its config asks for (per the profile's presets); undefined when neither is known
 * (the file is gone, or the profile has no presets).
 */
export function datasetSizeOf(
  profile: string,
  config: Record<string, unknown>,
  inputs: Record<string, string>,
): DatasetSize | undefined {
  const file = inputs.dataset;
  if (file !== undefined) {
    try {
      return { value: statSync(file).size, unit: 'bytes' };
    } catch {
      return undefined;
    }
  }
  const presets = presetsFor(profile);
  return presets === undefined ? undefined : { value: presets.samples(config), unit: 'samples' };
}

/**
 * The epoch timings of the latest completed jobs of `profile`, from their stored events:
 * from the first `epoch_begin` (else the `running` state) to the last `epoch_end`, divided
 * by the epochs that ended. Jobs without an `epoch_end`, or whose dataset size is not
 * known, do not count.
 */
export function epochHistory(db: WorkerDatabase, profile: string): RunTiming[] {
  const jobs = db
    .prepare<[string, number], JobRow>(
      `SELECT job_id, spec FROM jobs WHERE profile = ? AND state = 'completed'
       ORDER BY ended_at DESC, rowid DESC LIMIT ?`,
    )
    .all(profile, RECENT_JOBS);
  const marks = db.prepare<[string], MarkRow>(
    `SELECT ts, CASE type WHEN 'state' THEN json_extract(body, '$.state')
                          ELSE json_extract(body, '$.progress.event') END AS event
     FROM job_events WHERE job_id = ?
       AND ((type = 'progress' AND json_extract(body, '$.progress.event') IN ('epoch_begin', 'epoch_end'))
         OR (type = 'state' AND json_extract(body, '$.state') = 'running'))
     ORDER BY seq`,
  );
  const timings: RunTiming[] = [];
  for (const job of jobs) {
    let start: number | undefined;
    let running: number | undefined;
    let lastEnd: number | undefined;
    let epochs = 0;
    for (const mark of marks.all(job.job_id)) {
      if (mark.event === 'running') running ??= mark.ts;
      else if (mark.event === 'epoch_begin') start ??= mark.ts;
      else if (mark.event === 'epoch_end') {
        epochs++;
        lastEnd = mark.ts;
      }
    }
    const from = start ?? running;
    if (epochs === 0 || from === undefined || lastEnd === undefined) continue;
    const spec = JSON.parse(job.spec) as {
      config?: Record<string, unknown>;
      inputs?: Record<string, string>;
    };
    const datasetSize = datasetSizeOf(profile, spec.config ?? {}, spec.inputs ?? {});
    if (datasetSize === undefined) continue;
    timings.push({ msPerEpoch: Math.max(0, lastEnd - from) / epochs, datasetSize });
  }
  return timings;
}
