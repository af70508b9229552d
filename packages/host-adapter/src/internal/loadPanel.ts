import { HostAdapterError } from '../errors.js';
import type { Importer } from '../Importer.js';
import { isModuleNotFound } from './isModuleNotFound.js';
import { describeError, loadPackage } from './loadPackage.js';

/** A React component, as far as host-adapter needs to know: something createElement takes. */
export type ComponentLike = object;

/** The parts of React, react-dom and ui-react that mount() uses. */
export interface PanelModules {
  createElement(type: ComponentLike, props: object | null, ...children: unknown[]): unknown;
  flushSync(run: () => void): void;
  createRoot(
    element: Element,
    options: { onUncaughtError?: (error: unknown) => void },
  ): { render(node: unknown): void; unmount(): void };
  TrainwireProvider: ComponentLike;
  RemoteTrainingPanel: ComponentLike;
}

/** What loading the panel came to. */
export type PanelLoad =
  | { ok: true; modules: PanelModules }
  | { ok: false; problem: HostAdapterError };

const REACT_MAJOR = 19;

/**
 * Loads React, react-dom and ui-react through `importer` and checks that each has what
 * mount() calls. Never rejects.
 */
export async function loadPanel(
  importer: Importer,
  apiVersion: string,
  hint: string | undefined,
): Promise<PanelLoad> {
  const [react, reactDom, reactDomClient, ui] = await Promise.all([
    loadReact(importer, 'react', hint),
    loadReact(importer, 'react-dom', hint),
    loadReact(importer, 'react-dom/client', hint),
    loadPackage('@trainwire/ui-react', importer, apiVersion, hint),
  ]);
  // ui-react first: its reason is the one a host most needs to show.
  if (ui.report.problem !== undefined) return fail(ui.report.problem);
  if (!react.ok) return fail(react.problem);
  if (!reactDom.ok) return fail(reactDom.problem);
  if (!reactDomClient.ok) return fail(reactDomClient.problem);
  const React = pick(react.value, 'createElement');
  const ReactDom = pick(reactDom.value, 'flushSync');
  const ReactDomClient = pick(reactDomClient.value, 'createRoot');
  const Ui = ui.module as Record<string, unknown>;
  if (React === undefined || ReactDom === undefined || ReactDomClient === undefined) {
    return fail(
      new HostAdapterError(
        'react_missing',
        'what loads as react / react-dom is not React (no createElement, flushSync or createRoot); install them: npm install react@19 react-dom@19',
      ),
    );
  }
  const version = typeof React.version === 'string' ? React.version : '';
  const major = Number(/^(\d+)\./.exec(version)?.[1] ?? Number.NaN);
  if (!(major >= REACT_MAJOR)) {
    return fail(
      new HostAdapterError(
        'react_missing',
        `React ${version || '(unknown version)'} is too old for @trainwire/ui-react, which needs React ${REACT_MAJOR}: npm install react@${REACT_MAJOR} react-dom@${REACT_MAJOR}`,
        { details: { version } },
      ),
    );
  }
  for (const name of ['TrainwireProvider', 'RemoteTrainingPanel'] as const) {
    if (!isComponent(Ui[name])) {
      return fail(
        new HostAdapterError(
          'package_incompatible',
          `@trainwire/ui-react ${ui.report.version ?? ''} has no ${name} component; install a matching version: npm install @trainwire/ui-react@${apiVersion}`,
          { details: { name: '@trainwire/ui-react', missingExport: name } },
        ),
      );
    }
  }
  const modules: PanelModules = {
    createElement: React.createElement as PanelModules['createElement'],
    flushSync: ReactDom.flushSync as PanelModules['flushSync'],
    createRoot: ReactDomClient.createRoot as PanelModules['createRoot'],
    TrainwireProvider: Ui.TrainwireProvider as ComponentLike,
    RemoteTrainingPanel: Ui.RemoteTrainingPanel as ComponentLike,
  };
  return { ok: true, modules };
}

function fail(problem: HostAdapterError): PanelLoad {
  return { ok: false, problem };
}

async function loadReact(
  importer: Importer,
  specifier: 'react' | 'react-dom' | 'react-dom/client',
  hint: string | undefined,
): Promise<{ ok: true; value: unknown } | { ok: false; problem: HostAdapterError }> {
  try {
    return { ok: true, value: await importer(specifier) };
  } catch (error) {
    const missing = isModuleNotFound(error, specifier);
    return {
      ok: false,
      problem: new HostAdapterError(
        'react_missing',
        missing
          ? `React is not installed (the remote-training panel needs ${specifier}): npm install react react-dom${hint === undefined ? '' : ` (${hint})`}`
          : `${specifier} does not load (${describeError(error)}); reinstall it: npm install react react-dom`,
        { cause: error, details: { specifier } },
      ),
    };
  }
}

/** The module itself, or its default export (CommonJS through ESM), whichever has `key`. */
function pick(module: unknown, key: string): Record<string, unknown> | undefined {
  for (const candidate of [module, (module as { default?: unknown } | undefined)?.default]) {
    if (typeof candidate === 'object' && candidate !== null) {
      const record = candidate as Record<string, unknown>;
      if (typeof record[key] === 'function') return record;
    }
  }
  return undefined;
}

function isComponent(value: unknown): boolean {
  // Function components, and objects from memo() / forwardRef() / lazy().
  return typeof value === 'function' || (typeof value === 'object' && value !== null);
}
