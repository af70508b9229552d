import { describe, expect, it } from 'vitest';
import { LineSplitter, type OutputLine } from './LineSplitter.js';

function collect(now: () => number = () => 0) {
  const lines: OutputLine[] = [];
  const splitter = new LineSplitter((l) => lines.push(l), 250, now);
  const write = (s: string) => splitter.write(new TextEncoder().encode(s));
  return { lines, splitter, write };
}

describe('LineSplitter', () => {
  it('splits lines across chunks, LF and CRLF', () => {
    const { lines, splitter, write } = collect();
    write('hello wo');
    write('rld\r\nsecond\nthi');
    splitter.end();
    expect(lines).toEqual([
      { line: 'hello world', replace: false },
      { line: 'second', replace: false },
      { line: 'thi', replace: false },
    ]);
  });

  it('coalesces a flood of carriage-return updates and keeps the final state', () => {
    const { lines, splitter, write } = collect();
    for (let k = 0; k <= 100; k++) write(`\r${k}%|${'#'.repeat(k / 10)}|`);
    write('\ndone\n');
    splitter.end();
    expect(lines.length).toBeLessThanOrEqual(3);
    expect(lines.at(-2)).toEqual({ line: '100%|##########|', replace: true });
    expect(lines.at(-1)).toEqual({ line: 'done', replace: false });
  });

  it('decodes multi-byte characters split between chunks', () => {
    const { lines, splitter } = collect();
    const bytes = new TextEncoder().encode('épock ✓\n');
    splitter.write(bytes.subarray(0, 1));
    splitter.write(bytes.subarray(1));
    splitter.end();
    expect(lines).toEqual([{ line: 'épock ✓', replace: false }]);
  });
});
