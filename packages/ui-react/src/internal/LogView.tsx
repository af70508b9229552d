import type { LogLine } from '@trainwire/core';
import { useLayoutEffect, useRef, useState } from 'react';

export interface LogViewProps {
  lines: readonly LogLine[];
  label: string;
  /** Visible rows. */
  rows?: number;
  /** Height of one row in CSS pixels (the stylesheet must match: `.tw-log-line`). */
  rowHeight?: number;
}

const OVERSCAN = 10;

/**
 * A job's output, windowed: only the rows in view (and a few either side) are in the DOM,
 * so 10 000 lines scroll as fast as 20. It follows the tail until the user scrolls up.
 * Lines arrive with carriage-return updates (tqdm) already coalesced by the core.
 */
export function LogView({ lines, label, rows = 20, rowHeight = 18 }: LogViewProps) {
  const ref = useRef<HTMLDivElement>(null);
  /** null: follow the tail. */
  const [pinned, setPinned] = useState<number | null>(null);
  const viewport = rows * rowHeight;
  const total = lines.length * rowHeight;
  const maxTop = Math.max(0, total - viewport);
  const top = pinned === null ? maxTop : Math.min(pinned, maxTop);
  const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
  const last = Math.min(lines.length, Math.ceil((top + viewport) / rowHeight) + OVERSCAN);

  useLayoutEffect(() => {
    const element = ref.current;
    if (element !== null && pinned === null) element.scrollTop = top;
  }, [top, pinned]);

  const shown: LogLine[] = [];
  for (let i = first; i < last; i++) shown.push(lines[i]!);
  return (
    <div
      ref={ref}
      role="log"
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling log must take keyboard focus (axe: scrollable-region-focusable).
      tabIndex={0}
      className="tw-log"
      style={{ height: viewport, overflowY: 'auto', position: 'relative' }}
      onScroll={(event) => {
        const at = event.currentTarget.scrollTop;
        setPinned(at >= maxTop - rowHeight / 2 ? null : at);
      }}
    >
      <div style={{ height: total, position: 'relative' }}>
        {shown.map((line, k) => (
          <div
            key={line.seq}
            className={`tw-log-line tw-log-${line.stream}`}
            data-line={first + k}
            style={{
              position: 'absolute',
              top: (first + k) * rowHeight,
              height: rowHeight,
              whiteSpace: 'pre',
            }}
          >
            {line.line}
          </div>
        ))}
      </div>
    </div>
  );
}
