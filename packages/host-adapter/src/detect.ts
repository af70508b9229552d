import type { HostAdapterError } from './errors.js';
import type { Importer } from './Importer.js';
import { bundlerHint } from './internal/bundlerHint.js';
import { defaultImporter } from './internal/defaultImporter.js';
import { loadPackage } from './internal/loadPackage.js';
import { HOST_ADAPTER_API_VERSION } from './isCompatibleVersion.js';

/** The optional trainwire packages a host may have installed. */
export type OptionalPackageName =
  | '@trainwire/ui-react'
  | '@trainwire/transport-webrtc'
  | '@trainwire/bridge-zmq';

/** Every optional package {@link detect} looks for, in the order it reports them. */
export const OPTIONAL_PACKAGES: readonly OptionalPackageName[] = [
  '@trainwire/ui-react',
  '@trainwire/transport-webrtc',
  '@trainwire/bridge-zmq',
];

/**
 * Whether an optional package can be used: `available` (loads, compatible version),
 * `missing` (not installed), `broken` (installed, fails to load) or `incompatible` (a
 * version this host-adapter does not work with, or one it cannot read).
 */
export type PackageStatus = 'available' | 'missing' | 'broken' | 'incompatible';

/** What {@link detect} found out about one optional package. */
export interface PackageReport {
  /** The package's name (`@trainwire/ui-react`). */
  readonly name: string;
  readonly status: PackageStatus;
  /** The installed version, from the package's `package.json`, when it could be read. */
  readonly version: string | undefined;
  /** True only when the package loads and its version fits {@link HOST_ADAPTER_API_VERSION}. */
  readonly compatible: boolean;
  /** Why it cannot be used, and the command that fixes it; undefined when available. */
  readonly reason: string | undefined;
  /** The same as a value with a `code` (`package_missing`, `package_broken`, `package_incompatible`) and the load error as `cause`. */
  readonly problem: HostAdapterError | undefined;
}

/** What {@link detect} found. */
export interface Detection {
  /** This host-adapter's API version, which the packages were checked against. */
  readonly apiVersion: string;
  /** A report for each package looked for, by name. */
  readonly packages: Readonly<Record<string, PackageReport>>;
  /** The reason of every package that cannot be used, in order: lines a host can show. */
  readonly reasons: readonly string[];
}

/** How {@link detect} loads the packages. */
export interface DetectOptions {
  /** Loads a module; a plain dynamic `import()` by default. A bundled page passes its own (see {@link Importer}). */
  importer?: Importer;
  /** The packages to look for; all of {@link OPTIONAL_PACKAGES} by default. */
  packages?: readonly (OptionalPackageName | (string & {}))[];
}

/**
 * Finds out which optional trainwire packages load here, their versions, and whether each
 * works with this host-adapter. It loads them (dynamic `import()`, all at once) and never
 * rejects: a missing, broken or mismatched package is a report with a reason the host can
 * show ("@trainwire/ui-react is not installed: npm install @trainwire/ui-react").
 *
 * @example
 * ```ts
 * const found = await detect();
 * const ui = found.packages['@trainwire/ui-react'];
 * if (ui?.status !== 'available') statusLine.textContent = ui?.reason ?? '';
 * ```
 */
export async function detect(options: DetectOptions = {}): Promise<Detection> {
  const importer = options.importer ?? defaultImporter;
  const names = options.packages ?? OPTIONAL_PACKAGES;
  const hint = bundlerHint(options.importer);
  const loaded = await Promise.all(
    names.map((name) => loadPackage(name, importer, HOST_ADAPTER_API_VERSION, hint)),
  );
  const packages: Record<string, PackageReport> = {};
  for (const { report } of loaded) packages[report.name] = report;
  return {
    apiVersion: HOST_ADAPTER_API_VERSION,
    packages,
    reasons: loaded.flatMap(({ report }) => (report.reason === undefined ? [] : [report.reason])),
  };
}
