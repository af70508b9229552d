// Durations and metrics read the same in every view: core formats them.
import { formatDuration, formatMetric } from '@trainwire/core';

export { formatDuration, formatMetric };

/** The rule line framing section headers, as the desktop apps print it. */
export const RULE = '─'.repeat(64);

/** A section header or footer framed by rule lines. */
export function framed(text: string): string {
  return `${RULE}\n${text}\n${RULE}\n`;
}

/** "Uploading a.csv: 45% of 12.3 MiB at 15.2 MB/s, 0:03 left". */
export function describeTransfer(
  verb: string,
  p: { name: string; bytes: number; total: number; bytesPerSecond: number; etaMs: number | null },
): string {
  const percent = Math.floor((p.bytes * 100) / Math.max(1, p.total));
  const rate = p.bytesPerSecond > 0 ? ` at ${(p.bytesPerSecond / 1e6).toFixed(1)} MB/s` : '';
  const left = p.etaMs !== null && p.bytes < p.total ? `, ${formatDuration(p.etaMs)} left` : '';
  return `${verb} ${p.name}: ${percent}% of ${(p.total / 1048576).toFixed(1)} MiB${rate}${left}`;
}

/** Rows as aligned columns (two spaces apart), the first row being the header. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}
