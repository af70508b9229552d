import type { Importer } from '@trainwire/host-adapter';

/** The packages the page needs for remote training; bridge-zmq is Node-only. */
export const NEEDED = ['@trainwire/ui-react', '@trainwire/transport-webrtc'] as const;

// Every specifier spelled out, so the bundler sees them (package.json included: without
// it host-adapter cannot check the version). `vite build --mode without-optional` leaves
// them out, as a host that never installed them would be: Vite replaces
// `import.meta.env.MODE` at build time, so these imports are dropped.
const loaders: Record<string, () => Promise<unknown>> =
  import.meta.env.MODE !== 'without-optional'
    ? {
        '@trainwire/ui-react': () => import('@trainwire/ui-react'),
        '@trainwire/ui-react/package.json': () => import('@trainwire/ui-react/package.json'),
        '@trainwire/transport-webrtc': () => import('@trainwire/transport-webrtc'),
        '@trainwire/transport-webrtc/package.json': () =>
          import('@trainwire/transport-webrtc/package.json'),
      }
    : {};

/** host-adapter's {@link Importer} for this bundle: what is not in it is "not installed". */
export const importer: Importer = async (specifier) => {
  const load = loaders[specifier];
  if (!load) throw new Error(`Cannot find package '${specifier}'`);
  return load();
};
