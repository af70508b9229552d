import {
  applyFolderFix,
  applyPathFix,
  baseName,
  type PathEntry,
  type PathResolution,
} from '@trainwire/core';
import { useId, useState } from 'react';
import { Dialog } from './internal/Dialog.js';
import { FolderTree, listAll } from './internal/FolderTree.js';
import type { WorkerFiles } from './WorkerFiles.js';

/** Props of {@link PathResolutionDialog}. */
export interface PathResolutionDialogProps {
  /** Where the inputs stand (a `paths_missing` error's `details.resolution`). */
  resolution: PathResolution;
  /**
   * The worker's files for Browse and "Auto-detect in folder…" (`manager.peerFor(transport)`);
   * without it, only typed paths and the worker's own candidates.
   */
  worker?: WorkerFiles;
  /** "Continue with Resolved": every input has a worker path. */
  onContinue: (resolution: PathResolution) => void;
  onCancel?: () => void;
}

const STATUS: Record<PathEntry['status'], { mark: string; text: string }> = {
  found: { mark: '✓', text: 'Found' },
  proposed: { mark: '?', text: 'Proposed' },
  missing: { mark: '✗', text: 'Missing' },
  denied: { mark: '✗', text: 'Not allowed' },
};

const plural = (n: number) => `${n} file${n === 1 ? '' : 's'}`;

/**
 * "Video Path Resolution Required": a row per input (name, ✓ Found / ✗ Missing, the path
 * on the worker); for each missing one a path to type, a candidate the worker found, or
 * Browse, a tree of the worker's folders loaded lazily over `paths.list`; and
 * "Auto-detect in folder…", which resolves every input whose file is in the folder
 * chosen. Fixing one file's folder proposes the same folder for its siblings (core's
 * `applyPathFix` / `applyFolderFix`). "Continue with Resolved" is enabled only when every
 * input is resolved.
 *
 * @example
 * ```tsx
 * <PathResolutionDialog
 *   resolution={details.resolution}
 *   worker={manager.peerFor(transport)}
 *   onContinue={(r) => resubmit(resolvedInputs(r))}
 * />
 * ```
 */
export function PathResolutionDialog({
  resolution: initial,
  worker,
  onContinue,
  onCancel,
}: PathResolutionDialogProps) {
  const [resolution, setResolution] = useState(initial);
  const [choosing, setChoosing] = useState(false);
  const [folder, setFolder] = useState('');
  const [message, setMessage] = useState('');
  const folderId = useId();

  const applyFolder = (path: string, listing: ReadonlyArray<{ name: string; size?: number }>) => {
    const next = applyFolderFix(resolution, path, listing);
    const fixed = resolution.unresolved - next.unresolved;
    setResolution(next);
    setChoosing(false);
    setMessage(
      fixed === 0
        ? `None of the missing files is in ${path}.`
        : `Found ${plural(fixed)} in ${path}.`,
    );
  };
  const searchTyped = async () => {
    const path = folder.trim();
    if (worker === undefined || path === '') return;
    setMessage('');
    try {
      const listing = await listAll(worker, path);
      if (listing.state === 'ready') applyFolder(path, listing.entries);
    } catch (error) {
      setMessage(
        `Could not list ${path} on the worker: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  const fix = (role: string, path: string) => {
    const next = applyPathFix(resolution, role, path);
    const proposed = next.entries.filter(
      (e, i) => e.status === 'proposed' && resolution.entries[i]?.status !== 'proposed',
    ).length;
    setResolution(next);
    setMessage(
      proposed === 0
        ? `Using ${path}.`
        : `Using ${path}; proposed the same folder for ${plural(proposed)} more.`,
    );
  };

  return (
    <Dialog
      title="Video Path Resolution Required"
      onClose={onCancel}
      className="tw-paths-dialog"
      actions={
        <>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="button"
            disabled={resolution.unresolved > 0}
            onClick={() => onContinue(resolution)}
          >
            Continue with Resolved
          </button>
        </>
      }
    >
      <p>Some files cannot be found on the worker. Please provide the correct paths.</p>
      <table className="tw-paths">
        <caption>Inputs</caption>
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Status</th>
            <th scope="col">Worker Path</th>
          </tr>
        </thead>
        <tbody>
          {resolution.entries.map((entry) => (
            <PathRow
              key={entry.role}
              entry={entry}
              worker={worker}
              onFix={(path) => fix(entry.role, path)}
            />
          ))}
        </tbody>
      </table>
      {worker === undefined ? null : (
        <div className="tw-auto-detect">
          <button type="button" aria-expanded={choosing} onClick={() => setChoosing(!choosing)}>
            Auto-detect in folder…
          </button>
          {choosing ? (
            <div className="tw-folder-chooser">
              <FolderTree
                worker={worker}
                label="Folders on the worker to search"
                onPickFolder={applyFolder}
              />
              <p>
                <label htmlFor={folderId}>Or type a folder on the worker</label>{' '}
                <input
                  id={folderId}
                  type="text"
                  value={folder}
                  onChange={(event) => setFolder(event.target.value)}
                  placeholder="/mnt/data/videos"
                />{' '}
                <button
                  type="button"
                  disabled={folder.trim() === ''}
                  onClick={() => void searchTyped()}
                >
                  Search
                </button>
              </p>
            </div>
          ) : null}
        </div>
      )}
      <p role="status">
        {message}
        {message === '' ? '' : ' '}
        {resolution.unresolved === 0
          ? 'Every file is resolved.'
          : `${plural(resolution.unresolved)} still missing.`}
      </p>
    </Dialog>
  );
}

function PathRow({
  entry,
  worker,
  onFix,
}: {
  entry: PathEntry;
  worker: WorkerFiles | undefined;
  onFix: (path: string) => void;
}) {
  const [typed, setTyped] = useState('');
  const [browsing, setBrowsing] = useState(false);
  const inputId = useId();
  const name = baseName(entry.clientPath);
  const status = STATUS[entry.status];
  const open = entry.status === 'missing' || entry.status === 'denied';
  const candidate = entry.candidates[0];
  return (
    <tr>
      <th scope="row" title={entry.clientPath}>
        {name} <span className="tw-role">({entry.role})</span>
      </th>
      <td className={`tw-path-${entry.status}`}>
        <span aria-hidden="true">{status.mark}</span> {status.text}
        {entry.reason === undefined ? null : <span> ({entry.reason})</span>}
      </td>
      <td>
        {open ? (
          <>
            <label htmlFor={inputId} className="tw-path-label">
              Path of {name} on the worker
            </label>{' '}
            <input
              id={inputId}
              type="text"
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
            />{' '}
            <button
              type="button"
              aria-label={`Use this path for ${name}`}
              disabled={typed.trim() === ''}
              onClick={() => onFix(typed.trim())}
            >
              Use
            </button>
            {candidate === undefined ? null : (
              <button
                type="button"
                aria-label={`Use ${candidate.path} for ${name}`}
                onClick={() => onFix(candidate.path)}
              >
                Use {candidate.path} ({candidate.match})
              </button>
            )}
            {worker === undefined ? null : (
              <>
                {' '}
                <button
                  type="button"
                  aria-expanded={browsing}
                  aria-label={`Browse the worker for ${name}`}
                  onClick={() => setBrowsing(!browsing)}
                >
                  Browse…
                </button>
                {browsing ? (
                  <FolderTree
                    worker={worker}
                    label={`Folders on the worker for ${name}`}
                    target={
                      entry.size === undefined
                        ? { path: entry.clientPath }
                        : { path: entry.clientPath, size: entry.size }
                    }
                    onPickFile={(path) => {
                      setBrowsing(false);
                      onFix(path);
                    }}
                  />
                ) : null}
              </>
            )}
          </>
        ) : (
          <code>{entry.workerPath}</code>
        )}
      </td>
    </tr>
  );
}
