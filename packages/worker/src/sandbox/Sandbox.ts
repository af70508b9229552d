import { realpathSync } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { baseName, type PathCheck } from '@trainwire/core';
import type { Mount } from '../config/WorkerConfig.js';
import { PathDeniedError } from '../errors.js';
import { sha256File } from '../internal/sha256File.js';

/** One entry of a directory listing. */
export interface DirEntry {
  name: string;
  path: string;
  kind: 'file' | 'directory' | 'other';
  size: number;
}

/** A page of a directory listing. */
export interface DirPage {
  entries: DirEntry[];
  total: number;
  /** True when entries after this page exist. */
  more: boolean;
}

/** Bounds of a search by file name. */
export interface FindOptions {
  maxDepth?: number;
  maxResults?: number;
  timeLimitMs?: number;
}

interface Root {
  mount: Mount;
  real: string;
}

/**
 * Decides, past the mounts, which real paths one caller may use: the worker's uploads
 * folder shows each member only their own uploads.
 */
export interface PathGuard {
  /** True when the caller may use (or see in a listing) the real path `real`. */
  allows(real: string): boolean;
  /** Why not, in the caller's words (the same whatever exists, so it reveals nothing). */
  readonly reason: string;
}

/** A denial as the worker's operator sees it: with what the client was not told. */
export interface PathDenial {
  /**
   * `outside` a mount as named; `escape`: it looked inside but `..` or a symlink led out;
   * `guard`: not this caller's (another member's upload); `read_only`; `unreadable` (the
   * system refused, see `cause`); `invalid` (relative, NUL byte, no mounts at all).
   */
  kind: 'outside' | 'escape' | 'guard' | 'read_only' | 'unreadable' | 'invalid';
  /** The path as the client named it. */
  path: string;
  /** What the client was told. */
  reason: string;
  /** Where it really leads after `..` and symlinks (when it got that far). */
  resolved?: string;
  /** The system's reason (an errno such as `EACCES`), when there was one. */
  cause?: string;
}

/** How a {@link Sandbox} treats one caller. */
export interface SandboxOptions {
  /** Told of every denial, with the detail the client is not told. */
  onDenied?: (denial: PathDenial) => void;
  /** What this caller may use inside the mounts (everything by default). */
  guard?: PathGuard;
}

/**
 * The only way a client touches the worker's files: mounts (name → folder, read-only or
 * read-write) from the worker config. Every path is resolved (`..`, symlinks) before the
 * containment check; with no mounts everything is denied. A denial names the path and
 * says "outside the folders this worker shares" — never where a symlink led (that, and
 * the worker's pid a `/proc/self` link would show, goes to `onDenied`, the worker's log).
 *
 * @example
 * ```ts
 * const sandbox = new Sandbox([{ name: 'data', path: '/srv/data', readOnly: true }]);
 * await sandbox.resolve('/srv/data/labels.slp'); // the real path, or throws PathDeniedError
 * ```
 */
export class Sandbox {
  private roots: readonly Root[];

  constructor(
    mounts: readonly Mount[],
    private readonly options: SandboxOptions = {},
  ) {
    this.roots = mounts.map((mount) => {
      let real: string;
      try {
        real = realpathSync(mount.path);
      } catch {
        real = resolve(mount.path); // a mount that does not exist yet holds nothing
      }
      return { mount, real };
    });
  }

  /** The same mounts for one caller: its own guard and denial log. */
  withOptions(options: SandboxOptions): Sandbox {
    const sandbox = new Sandbox([], { ...this.options, ...options });
    // The mounts' real paths were looked up once; every caller's view shares them.
    sandbox.roots = this.roots;
    return sandbox;
  }

  /** Real path of the mount called `name`, if there is one. */
  realPathOf(name: string): string | undefined {
    return this.roots.find((r) => r.mount.name === name)?.real;
  }

  /** The mounts, as configured. */
  listMounts(): Mount[] {
    return this.roots.map((r) => ({ ...r.mount }));
  }

  /**
   * The real path of `path` if it lies inside a mount (a read-write one when `write`);
   * the file need not exist. Throws {@link PathDeniedError} otherwise.
   */
  async resolve(path: string, options: { write?: boolean } = {}): Promise<string> {
    if (path.includes('\0')) throw this.deny('invalid', path, 'the path contains a NUL byte');
    if (!isAbsolute(path)) {
      throw this.deny(
        'invalid',
        path,
        'the path is relative; give an absolute path inside a mount',
      );
    }
    if (this.roots.length === 0) {
      throw this.deny(
        'invalid',
        path,
        'this worker has no mounts configured, so no path is allowed',
      );
    }
    const asked = resolve(path);
    const real = await realpathOfDeepest(asked);
    const root = this.roots.find((r) => real === r.real || real.startsWith(r.real + sep));
    if (!root) {
      const names = this.roots.map((r) => `${r.mount.name} (${r.mount.path})`).join(', ');
      throw this.deny(
        real === asked ? 'outside' : 'escape',
        path,
        `it is outside the folders this worker shares (after following ".." and symlinks); pick a file in ${names}`,
        { resolved: real },
      );
    }
    const { guard } = this.options;
    if (guard && !guard.allows(real))
      throw this.deny('guard', path, guard.reason, { resolved: real });
    if (options.write && root.mount.readOnly) {
      throw this.deny('read_only', path, `mount "${root.mount.name}" is read-only`, {
        resolved: real,
      });
    }
    return real;
  }

  /** A denial for the client, and its detail for the operator's log. */
  private deny(
    kind: PathDenial['kind'],
    path: string,
    reason: string,
    detail: Pick<PathDenial, 'resolved' | 'cause'> = {},
  ): PathDeniedError {
    this.options.onDenied?.({ kind, path, reason, ...detail });
    return new PathDeniedError(path, reason);
  }

  private allows(real: string): boolean {
    return this.options.guard?.allows(real) ?? true;
  }

  /** Lists a directory inside a mount, sorted by name, a page at a time. */
  async list(path: string, page: { offset?: number; limit?: number } = {}): Promise<DirPage> {
    const real = await this.resolve(path);
    const offset = page.offset ?? 0;
    const limit = Math.min(page.limit ?? 200, 1000);
    let names: string[];
    try {
      // Only what this caller may see is listed (and counted).
      names = (await readdir(real)).filter((name) => this.allows(join(real, name))).sort();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOTDIR'
          ? 'it is not a folder; list the folder that holds it'
          : code === 'ENOENT'
            ? 'there is no such folder'
            : 'the worker cannot read this folder';
      throw this.deny('unreadable', path, why, { resolved: real, cause: code ?? String(error) });
    }
    const entries: DirEntry[] = [];
    for (const name of names.slice(offset, offset + limit)) {
      const full = join(real, name);
      const info = await lstat(full).catch(() => undefined);
      entries.push({
        name,
        path: full,
        kind: info?.isFile() ? 'file' : info?.isDirectory() ? 'directory' : 'other',
        size: info?.isFile() ? info.size : 0,
      });
    }
    return { entries, total: names.length, more: offset + limit < names.length };
  }

  /** Whether `path` exists inside a mount, its size, and its SHA-256 when asked. */
  /** Files named like `path`'s last part (`/` or `\\` separated), inside the mounts. */
  private async findForPath(path: string): Promise<{ path: string; size: number }[]> {
    const name = baseName(path);
    if (name === '' || name.includes('\0')) return [];
    return this.find(name);
  }

  async check(
    path: string,
    options: { sha256?: boolean; findCandidates?: boolean } = {},
  ): Promise<PathCheck> {
    let real: string;
    try {
      real = await this.resolve(path);
    } catch (error) {
      if (!(error instanceof PathDeniedError)) throw error;
      // A client's own path (a laptop's folder) is outside every mount: still offer the
      // files of that name inside the mounts — the search never leaves them.
      const result: PathCheck = { path, exists: false, denied: error.reason };
      if (options.findCandidates) result.candidates = await this.findForPath(path);
      return result;
    }
    const info = await stat(real).catch(() => undefined);
    if (!info) {
      const result: PathCheck = { path, exists: false };
      if (options.findCandidates) result.candidates = await this.findForPath(path);
      return result;
    }
    if (!info.isFile()) return { path, exists: true, denied: 'it is not a regular file' };
    const result: PathCheck = { path, exists: true, size: info.size };
    if (options.sha256) result.sha256 = await sha256File(real);
    return result;
  }

  /** Files called `name` under the mounts, bounded in depth, count and time. */
  async find(name: string, options: FindOptions = {}): Promise<{ path: string; size: number }[]> {
    const maxDepth = options.maxDepth ?? 8;
    const maxResults = options.maxResults ?? 20;
    const deadline = Date.now() + (options.timeLimitMs ?? 2_000);
    const found: { path: string; size: number }[] = [];
    const queue: { dir: string; depth: number }[] = this.roots.map((r) => ({
      dir: r.real,
      depth: 0,
    }));
    while (queue.length > 0 && found.length < maxResults && Date.now() < deadline) {
      const { dir, depth } = queue.shift()!;
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (!this.allows(full)) continue;
        // Symlinks are not followed: they could lead out of the mount or into a loop.
        if (entry.isDirectory() && depth < maxDepth) queue.push({ dir: full, depth: depth + 1 });
        else if (entry.isFile() && entry.name === name) {
          const info = await stat(full).catch(() => undefined);
          if (info) found.push({ path: full, size: info.size });
          if (found.length >= maxResults) break;
        }
      }
    }
    return found;
  }
}

async function realpathOfDeepest(path: string): Promise<string> {
  const rest: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(await realpath(current), ...rest.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      rest.push(basename(current));
      current = parent;
    }
  }
}
