/** One line of trainer output; `replace` marks a carriage-return (progress bar) update. */
export interface OutputLine {
  line: string;
  replace: boolean;
}

const MAX_LINE = 16_000;

/**
 * Splits a byte stream into lines. Carriage-return updates (tqdm) are coalesced: at most
 * one per `intervalMs` is emitted, and the final state of a bar always is.
 */
export class LineSplitter {
  private partial = '';
  private pendingReplace: string | undefined;
  private lastReplaceAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly emit: (line: OutputLine) => void,
    private readonly intervalMs = 250,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Feeds a chunk of output. */
  write(chunk: Uint8Array): void {
    this.feed(this.decoder.decode(chunk, { stream: true }));
  }

  /** Emits what is left (the stream ended). */
  end(): void {
    this.feed(this.decoder.decode());
    if (this.partial !== '') {
      const replace = this.pendingReplace !== undefined;
      this.pendingReplace = undefined;
      this.emitLine(this.partial, replace);
      this.partial = '';
    } else {
      this.flushReplace();
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private feed(text: string): void {
    let start = 0;
    for (let k = 0; k < text.length; k++) {
      const ch = text[k];
      if (ch !== '\n' && ch !== '\r') continue;
      if (ch === '\r' && text[k + 1] === '\n') continue; // CRLF: handled at the \n
      const segment = (this.partial + text.slice(start, k)).replace(/\r$/, '');
      this.partial = '';
      start = k + 1;
      if (ch === '\n') {
        // A line that ends a run of \r updates is the bar's final state.
        const replace = this.pendingReplace !== undefined || this.inReplace;
        this.pendingReplace = undefined;
        this.inReplace = false;
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        if (segment !== '' || !replace) this.emitLine(segment, replace);
      } else {
        this.inReplace = true;
        if (segment !== '') this.offerReplace(segment);
      }
    }
    this.partial += text.slice(start);
    if (this.partial.length > MAX_LINE) {
      this.emitLine(this.partial, false);
      this.partial = '';
    }
  }

  private inReplace = false;

  private offerReplace(line: string): void {
    const now = this.now();
    if (now - this.lastReplaceAt >= this.intervalMs) {
      this.lastReplaceAt = now;
      this.pendingReplace = undefined;
      this.emitLine(line, true);
      return;
    }
    this.pendingReplace = line;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flushReplace();
    }, this.intervalMs);
  }

  private flushReplace(): void {
    if (this.pendingReplace === undefined) return;
    this.lastReplaceAt = this.now();
    const line = this.pendingReplace;
    this.pendingReplace = undefined;
    this.emitLine(line, true);
  }

  private emitLine(line: string, replace: boolean): void {
    this.emit({ line: line.slice(0, MAX_LINE), replace });
  }
}
