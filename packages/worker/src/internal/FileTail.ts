import { open } from 'node:fs/promises';

/** How much is read at a time. */
const CHUNK = 64 * 1024;

/**
 * Follows a file another machine appends to (a Slurm job's output on a shared file
 * system): reads what was added since the last read, every `intervalMs`, by polling —
 * change notifications do not cross NFS. A file that does not exist yet is waited for.
 */
export class FileTail {
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly path: string,
    private readonly onChunk: (chunk: Buffer) => void,
    private readonly intervalMs: number,
  ) {}

  /** Starts polling. */
  start(): void {
    this.tick();
  }

  /** Reads whatever is left, then stops. */
  async finish(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.reading;
    await this.readNew();
  }

  private tick(): void {
    if (this.stopped) return;
    this.reading = this.readNew().finally(() => {
      if (!this.stopped) this.timer = setTimeout(() => this.tick(), this.intervalMs);
    });
  }

  private async readNew(): Promise<void> {
    let file: Awaited<ReturnType<typeof open>>;
    try {
      file = await open(this.path, 'r');
    } catch {
      return; // Not there yet.
    }
    try {
      const buffer = Buffer.alloc(CHUNK);
      for (;;) {
        const { bytesRead } = await file.read(buffer, 0, CHUNK, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        this.onChunk(Buffer.from(buffer.subarray(0, bytesRead)));
      }
    } catch {
      // Read again at the next tick.
    } finally {
      await file.close().catch(() => {});
    }
  }
}
