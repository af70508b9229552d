import { rankCandidates } from '@trainwire/core';
import { useEffect, useState } from 'react';
import type { WorkerFiles } from '../WorkerFiles.js';

/** A folder's entries, or why they could not be listed. */
type Listing =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; entries: Entry[]; total: number };

interface Entry {
  name: string;
  path: string;
  kind: 'file' | 'directory' | 'other';
  size: number;
}

/** Most entries one folder shows (five pages of `paths.list`). */
const MOST = 1_000;

/** Lists a folder on the worker, every page up to {@link MOST} entries. */
export async function listAll(worker: WorkerFiles, path: string): Promise<Listing> {
  const entries: Entry[] = [];
  let total = 0;
  for (let offset = 0; entries.length < MOST; ) {
    const page = await worker.request('paths.list', { path, offset, limit: 200 });
    entries.push(...page.entries);
    total = page.total;
    if (!page.more || page.entries.length === 0) break;
    offset += page.entries.length;
  }
  return { state: 'ready', entries, total };
}

function describeError(path: string, error: unknown): string {
  return `Could not list ${path} on the worker: ${error instanceof Error ? error.message : String(error)}`;
}

export interface FolderTreeProps {
  worker: WorkerFiles;
  /** What the tree is for, read by assistive technology ("Folders on gpu-1 for a.mp4"). */
  label: string;
  /** Browsing for this file: its files are offered, the likeliest first (core's `rankCandidates`). */
  target?: { path: string; size?: number };
  onPickFile?: (path: string) => void;
  /** Choosing a folder (for "Auto-detect in folder…"), with its listing. */
  onPickFolder?: (path: string, entries: readonly Entry[]) => void;
}

/**
 * The worker's folders, from its mounts down, each folder listed over `paths.list` only
 * when opened. Folders are buttons with `aria-expanded`; files (when picking one) are
 * buttons that choose them.
 */
export function FolderTree({ worker, label, target, onPickFile, onPickFolder }: FolderTreeProps) {
  const [roots, setRoots] = useState<Listing>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    worker.request('mounts.list', {}).then(
      ({ mounts }) =>
        live &&
        setRoots({
          state: 'ready',
          total: mounts.length,
          entries: mounts.map((m) => ({ name: m.name, path: m.path, kind: 'directory', size: 0 })),
        }),
      (error: unknown) =>
        live && setRoots({ state: 'failed', message: describeError('the mounts', error) }),
    );
    return () => {
      live = false;
    };
  }, [worker]);
  return (
    <nav className="tw-tree" aria-label={label}>
      <Entries
        listing={roots}
        worker={worker}
        target={target}
        onPickFile={onPickFile}
        onPickFolder={onPickFolder}
      />
    </nav>
  );
}

interface EntriesProps extends Omit<FolderTreeProps, 'label'> {
  listing: Listing;
}

function Entries({ listing, worker, target, onPickFile, onPickFolder }: EntriesProps) {
  if (listing.state === 'loading') return <p className="tw-tree-note">Listing…</p>;
  if (listing.state === 'failed') return <p role="alert">{listing.message}</p>;
  const folders = listing.entries.filter((e) => e.kind === 'directory');
  const files = onPickFile === undefined ? [] : rankedFiles(listing.entries, target);
  if (folders.length === 0 && files.length === 0)
    return <p className="tw-tree-note">{onPickFile ? 'Empty folder.' : 'No folders here.'}</p>;
  return (
    <ul>
      {folders.map((folder) => (
        <Folder
          key={folder.path}
          folder={folder}
          worker={worker}
          target={target}
          onPickFile={onPickFile}
          onPickFolder={onPickFolder}
        />
      ))}
      {files.map(({ entry, match }) => (
        <li key={entry.path} className="tw-tree-file">
          <button type="button" onClick={() => onPickFile?.(entry.path)} title={entry.path}>
            {entry.name}
          </button>
          {match === null ? null : <span className="tw-tree-match"> ({match})</span>}
        </li>
      ))}
      {listing.total > listing.entries.length ? (
        <li className="tw-tree-note">
          First {listing.entries.length} of {listing.total} entries.
        </li>
      ) : null}
    </ul>
  );
}

function Folder({ folder, worker, ...rest }: Omit<EntriesProps, 'listing'> & { folder: Entry }) {
  const [open, setOpen] = useState(false);
  const [listing, setListing] = useState<Listing | null>(null);
  const toggle = () => {
    setOpen(!open);
    if (listing !== null && listing.state !== 'failed') return;
    setListing({ state: 'loading' });
    listAll(worker, folder.path).then(setListing, (error: unknown) =>
      setListing({ state: 'failed', message: describeError(folder.path, error) }),
    );
  };
  return (
    <li className="tw-tree-folder">
      <button type="button" aria-expanded={open} onClick={toggle} title={folder.path}>
        <span aria-hidden="true">{open ? '▾' : '▸'}</span> {folder.name}/
      </button>
      {rest.onPickFolder === undefined || listing?.state !== 'ready' ? null : (
        <>
          {' '}
          <button
            type="button"
            aria-label={`Auto-detect in ${folder.path}`}
            onClick={() => rest.onPickFolder?.(folder.path, listing.entries)}
          >
            Use this folder
          </button>
        </>
      )}
      {open && listing !== null ? <Entries listing={listing} worker={worker} {...rest} /> : null}
    </li>
  );
}

/** The folder's files, the likeliest match for `target` first, with why it matches. */
function rankedFiles(
  entries: readonly Entry[],
  target: { path: string; size?: number } | undefined,
): Array<{ entry: Entry; match: string | null }> {
  const files = entries.filter((e) => e.kind === 'file');
  if (target === undefined) return files.map((entry) => ({ entry, match: null }));
  const byPath = new Map(files.map((f) => [f.path, f]));
  return rankCandidates(target, files).map((ranked) => ({
    entry: byPath.get(ranked.path)!,
    match: ranked.score >= 100 ? `${ranked.match} match` : null,
  }));
}
