import { nodeFilesAvailable } from './nodeFiles.js';

type Env = Readonly<Record<string, string | undefined>>;

interface MaybeProcess {
  env?: Env;
  versions?: { node?: string };
}

function currentProcess(): MaybeProcess | undefined {
  // No `process` in a browser; reading it through globalThis cannot throw.
  return (globalThis as { process?: MaybeProcess }).process;
}

/** The process environment under Node; empty in a browser. */
export function processEnv(): Env {
  return currentProcess()?.env ?? {};
}

/** What the automatic storage choice looks at. */
export interface Runtime {
  /** Node's file system is there (Node, Electron's main process, a test runner). */
  node: boolean;
  /** The page's localStorage, when there is one and it may be read. */
  localStorage: Storage | undefined;
}

/** The runtime this code runs in. */
export function currentRuntime(): Runtime {
  let localStorage: Storage | undefined;
  try {
    localStorage = globalThis.localStorage ?? undefined;
  } catch {
    // Reading localStorage throws where the browser blocks storage.
    localStorage = undefined;
  }
  return {
    node: nodeFilesAvailable && typeof currentProcess()?.versions?.node === 'string',
    localStorage,
  };
}
