import { useId } from 'react';
import { CopyButton } from './internal/CopyButton.js';

/** Props of {@link WorkerSetupGuide}. */
export interface WorkerSetupGuideProps {
  /** The signaling server's URL, as the worker must use it (`ws://HOST:PORT`). */
  url?: string;
  /** The room the worker must join. */
  room?: string;
  /** Where the worker keeps its key on the GPU machine. */
  keyFile?: string;
  /** The name clients see. */
  workerName?: string;
  /** The worker's data directory (store, runs, checkpoints). */
  dataDir?: string;
  /** A link to the setup guide. */
  docsUrl?: string;
}

/** Quotes a value for a POSIX shell when it needs it. */
function quote(value: string): string {
  return /^[\w@%+=:,./~-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

/**
 * What to do when the room has no workers: the steps and commands that put a GPU machine
 * online as a worker (`trainwire worker --url … --room … --key-file …`), a Copy Commands
 * button and a link to the docs. The remote-training panel shows it by itself.
 *
 * @example
 * ```tsx
 * <WorkerSetupGuide url="wss://signal.example.org" room="lab" docsUrl="https://…/worker" />
 * ```
 */
export function WorkerSetupGuide({
  url = 'ws://HOST:PORT',
  room = 'ROOM',
  keyFile = 'worker.key',
  workerName = 'My GPU Server',
  dataDir = '~/trainwire',
  docsUrl,
}: WorkerSetupGuideProps) {
  const titleId = useId();
  const install = 'npm install -g @trainwire/cli';
  const protect = `chmod 600 ${quote(keyFile)}`;
  const start = [
    'trainwire worker',
    `--url ${quote(url)}`,
    `--room ${quote(room)}`,
    `--key-file ${quote(keyFile)}`,
    `--name ${quote(workerName)}`,
    `--data-dir ${dataDir}`,
  ].join(' ');
  return (
    <section className="tw-setup-guide" aria-labelledby={titleId}>
      <h3 id={titleId}>No Workers Available</h3>
      <p>
        This room has no workers connected. You need a worker running on a GPU machine to train
        remotely.
      </p>
      <p>Quick setup:</p>
      <ol>
        <li>
          On your GPU machine, install the trainwire CLI (Node 20 or later):
          <pre>
            <code>{install}</code>
          </pre>
        </li>
        <li>
          Get a worker key for room {room} from the room's owner, save it in {keyFile}, and make the
          file readable only by you:
          <pre>
            <code>{protect}</code>
          </pre>
        </li>
        <li>
          Start the worker:
          <pre>
            <code>{start}</code>
          </pre>
        </li>
        <li>Once it says it is online, press Refresh.</li>
      </ol>
      <CopyButton
        text={[install, protect, start].join('\n')}
        label="Copy Commands"
        accessibleLabel="Copy Commands"
      />
      {docsUrl === undefined ? null : (
        <p>
          <a href={docsUrl} target="_blank" rel="noreferrer">
            Open Documentation
          </a>
        </p>
      )}
    </section>
  );
}
