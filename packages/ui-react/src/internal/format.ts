// View formatting only: how numbers read on screen (the CLI prints the same shapes).

/** `m:ss` or `h:mm:ss`, as the CLI prints durations. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A metric: 4 decimals, `NaN`, or `—` when absent. */
export function formatMetric(value: number | null | undefined): string {
  if (value === undefined || value === null) return '—';
  if (Number.isNaN(value)) return 'NaN';
  return Number.isFinite(value) ? value.toFixed(4) : String(value);
}

/** "24 GiB" / "512 MiB". */
export function formatMemory(mib: number): string {
  if (mib >= 1024) {
    const gib = mib / 1024;
    return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
  }
  return `${mib} MiB`;
}
