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
