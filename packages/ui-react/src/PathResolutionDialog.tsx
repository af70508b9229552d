import {
  applyFolderFix,
  applyPathFix,
  baseName,
  type PathEntry,
  type PathResolution,
} from '@trainwire/core';
import { useId, useState } from 'react';
import { Dialog } from './internal/Dialog.js';

/** A folder's files on the worker, for "Auto-detect in folder…". */
export type ListWorkerFolder = (
  folder: string,
) => Promise<ReadonlyArray<{ name: string; size?: number }>>;

/** Props of {@link PathResolutionDialog}. */
export interface PathResolutionDialogProps {
  /** Where the inputs stand (a `paths_missing` error's `details.resolution`). */
  resolution: PathResolution;
  /** Lists a folder on the worker (e.g. over `paths.list`); without it, no folder search. */
  listFolder?: ListWorkerFolder;
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

/**
 * "Video Path Resolution Required": a row per input (name, ✓ Found / ✗ Missing, the path
 * on the worker), a path to type or a candidate the worker found for each missing one,
 * and "Auto-detect in folder…", which resolves every input whose file is in that folder.
 * Fixing one file's folder proposes the same folder for its siblings (core's
 * `applyPathFix` / `applyFolderFix`). "Continue with Resolved" is enabled only when every
 * input is resolved.
 *
 * @example
 * ```tsx
 * <PathResolutionDialog resolution={details.resolution} listFolder={list} onContinue={resubmit} />
 * ```
 */
export function PathResolutionDialog({
  resolution: initial,
  listFolder,
  onContinue,
  onCancel,
}: PathResolutionDialogProps) {
  const [resolution, setResolution] = useState(initial);
  const [folder, setFolder] = useState('');
  const [searching, setSearching] = useState(false);
  const [message, setMessage] = useState('');
  const folderId = useId();

  const detect = async () => {
    if (listFolder === undefined || folder.trim() === '') return;
    setSearching(true);
    setMessage('');
    try {
      const listing = await listFolder(folder.trim());
      const next = applyFolderFix(resolution, folder.trim(), listing);
      const fixed = resolution.unresolved - next.unresolved;
      setResolution(next);
      setMessage(
        fixed === 0
          ? `None of the missing files is in ${folder.trim()}.`
          : `Found ${fixed} file${fixed === 1 ? '' : 's'} in ${folder.trim()}.`,
      );
    } catch (error) {
      setMessage(
        `Could not list ${folder.trim()} on the worker: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      setSearching(false);
    }
  };

  return (
    <Dialog
      title="Video Path Resolution Required"
      onClose={onCancel}
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
              onFix={(path) => setResolution(applyPathFix(resolution, entry.role, path))}
            />
          ))}
        </tbody>
      </table>
      {listFolder === undefined ? null : (
        <p>
          <label htmlFor={folderId}>Folder on the worker</label>{' '}
          <input
            id={folderId}
            type="text"
            value={folder}
            onChange={(event) => setFolder(event.target.value)}
            placeholder="/mnt/data/videos"
          />{' '}
          <button
            type="button"
            disabled={searching || folder.trim() === ''}
            onClick={() => void detect()}
          >
            Auto-detect in folder…
          </button>
        </p>
      )}
      <p role="status">
        {message}
        {message === '' ? '' : ' '}
        {resolution.unresolved === 0
          ? 'Every file is resolved.'
          : `${resolution.unresolved} file${resolution.unresolved === 1 ? '' : 's'} still missing.`}
      </p>
    </Dialog>
  );
}

function PathRow({ entry, onFix }: { entry: PathEntry; onFix: (path: string) => void }) {
  const [typed, setTyped] = useState('');
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
          </>
        ) : (
          <code>{entry.workerPath}</code>
        )}
      </td>
    </tr>
  );
}
