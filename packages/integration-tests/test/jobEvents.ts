/** One NDJSON line of `train --json` / `attach --json`: a job event, or a connection line. */
export interface JsonLine {
  type?: string;
  jobId?: string;
  seq?: number;
  status?: string;
  state?: string;
  progress?: { event?: string; epoch?: number };
  artifact?: { kind?: string; path?: string };
  error?: { code?: string; message?: string };
  [key: string]: unknown;
}

/** Every JSON line of `stdout`; a line that is not JSON is an error naming it. */
export function parseNdjson(stdout: string): JsonLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as JsonLine;
      } catch {
        throw new Error(`stdout has a line that is not JSON: ${line.slice(0, 200)}`);
      }
    });
}

/** The job events (lines with a `seq`), in the order printed. */
export function jobEventsOf(lines: readonly JsonLine[]): JsonLine[] {
  return lines.filter((line) => typeof line.seq === 'number' && line.type !== 'connection');
}

/** The 0-based epochs of `epoch_end` progress events, in the order printed. */
export function epochsOf(lines: readonly JsonLine[]): number[] {
  return jobEventsOf(lines)
    .filter((e) => e.type === 'progress' && e.progress?.event === 'epoch_end')
    .map((e) => e.progress!.epoch!);
}

/** The `status` of each `{"type":"connection"}` line, in order. */
export function connectionStatusesOf(lines: readonly JsonLine[]): string[] {
  return lines.filter((l) => l.type === 'connection').map((l) => String(l.status));
}

/** The last `state` event's state, if any. */
export function finalStateOf(lines: readonly JsonLine[]): string | undefined {
  return jobEventsOf(lines)
    .filter((e) => e.type === 'state')
    .at(-1)?.state;
}

/** `[from, from+1, …, to]`. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
