/** `m:ss` or `h:mm:ss`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A metric for a progress line: 4 decimals, `NaN`, or `—` when absent. */
export function formatMetric(value: number | null | undefined): string {
  if (value === undefined || value === null) return '—';
  if (Number.isNaN(value)) return 'NaN';
  return Number.isFinite(value) ? value.toFixed(4) : String(value);
}

/** The rule line framing section headers, as the desktop apps print it. */
export const RULE = '─'.repeat(64);

/** A section header or footer framed by rule lines. */
export function framed(text: string): string {
  return `${RULE}\n${text}\n${RULE}\n`;
}
