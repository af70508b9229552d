// Durations and metrics read the same in every view: core formats them.
import { formatDuration, formatMetric } from '@trainwire/core';

export { formatDuration, formatMetric };

/** "24 GiB" / "512 MiB". */
export function formatMemory(mib: number): string {
  if (mib >= 1024) {
    const gib = mib / 1024;
    return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
  }
  return `${mib} MiB`;
}

/** "812 B" / "14.2 KiB" / "3.1 MiB" / "1.2 GiB": a file's size. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const kib = bytes / 1024;
  if (kib < 1024) return `${kib.toFixed(1)} KiB`;
  return formatMemory(Math.round((kib / 1024) * 10) / 10);
}

/** A worker timestamp (ms since the epoch) as the reader's local date and time. */
export function formatTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "train/loss 0.4120 · val/loss 0.5031": an experiment's final metrics; "—" without any. */
export function formatMetrics(
  metrics: Readonly<Record<string, number | null>> | undefined,
): string {
  const entries = Object.entries(metrics ?? {});
  if (entries.length === 0) return '—';
  return entries.map(([name, value]) => `${name} ${formatMetric(value)}`).join(' · ');
}
