import { z } from 'zod';
import type { PackageReport } from '../detect.js';
import { HostAdapterError } from '../errors.js';
import type { Importer } from '../Importer.js';
import { isCompatibleVersion } from '../isCompatibleVersion.js';
import { isModuleNotFound } from './isModuleNotFound.js';

const PackageJsonSchema = z.looseObject({ version: z.string().min(1) });
// A JSON module is `{ default: {...} }`; some loaders hand back the object itself.
const PackageJsonModuleSchema = z.union([
  z.looseObject({ default: PackageJsonSchema }).transform((module) => module.default.version),
  PackageJsonSchema.transform((manifest) => manifest.version),
]);

/** A package's report, and its module when it loaded. */
export interface LoadedPackage {
  report: PackageReport;
  module: unknown;
}

/**
 * Loads `name` and its `package.json` through `importer`, and says whether it can be used
 * with host-adapter API `apiVersion`. Never rejects.
 */
export async function loadPackage(
  name: string,
  importer: Importer,
  apiVersion: string,
  hint: string | undefined,
): Promise<LoadedPackage> {
  const [main, manifest] = await Promise.all([
    settle(() => importer(name)),
    settle(() => importer(`${name}/package.json`, { with: { type: 'json' } })),
  ]);
  const parsed = manifest.ok ? PackageJsonModuleSchema.safeParse(manifest.value) : undefined;
  const version = parsed?.success ? parsed.data : undefined;
  const install = `npm install ${name}@${apiVersion}`;

  if (!main.ok) {
    // Its package.json loaded, so it is installed: the package itself fails.
    if (!manifest.ok && isModuleNotFound(main.error, name)) {
      return failed(
        name,
        'missing',
        version,
        new HostAdapterError(
          'package_missing',
          `${name} is not installed: npm install ${name}${hint === undefined ? '' : ` (${hint})`}`,
          { cause: main.error, details: { name } },
        ),
      );
    }
    return failed(
      name,
      'broken',
      version,
      new HostAdapterError(
        'package_broken',
        `${name}${version === undefined ? '' : ` ${version}`} is installed but does not load (${describeError(main.error)}); reinstall it: ${install}`,
        { cause: main.error, details: { name } },
      ),
    );
  }
  if (version === undefined) {
    return failed(
      name,
      'incompatible',
      undefined,
      new HostAdapterError(
        'package_incompatible',
        `cannot tell which version of ${name} is installed (its package.json does not load), so it is not used; reinstall it (${install}), or let the importer load ${name}/package.json`,
        { cause: manifest.ok ? parsed?.error : manifest.error, details: { name } },
      ),
    );
  }
  if (!isCompatibleVersion(version, apiVersion)) {
    return failed(
      name,
      'incompatible',
      version,
      new HostAdapterError(
        'package_incompatible',
        `${name} ${version} does not work with this @trainwire/host-adapter (API ${apiVersion}); install a matching version: ${install}`,
        { details: { name, version, apiVersion } },
      ),
    );
  }
  return {
    report: {
      name,
      status: 'available',
      version,
      compatible: true,
      reason: undefined,
      problem: undefined,
    },
    module: main.value,
  };
}

function failed(
  name: string,
  status: 'missing' | 'broken' | 'incompatible',
  version: string | undefined,
  problem: HostAdapterError,
): LoadedPackage {
  return {
    report: {
      name,
      status,
      version,
      compatible: false,
      reason: problem.message,
      problem,
    },
    module: undefined,
  };
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

async function settle(load: () => Promise<unknown>): Promise<Settled> {
  try {
    return { ok: true, value: await load() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The first line of an error's message, without a stack or an errno prefix. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? message)
    .replace(/^[A-Z][A-Z0-9_]+: /, '')
    .replace(/ imported from \S+$/, '')
    .slice(0, 200);
}
