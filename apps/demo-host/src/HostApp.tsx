import { detect, type ExperimentalFlag } from '@trainwire/host-adapter';
import { lazy, Suspense, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { importer, NEEDED } from './optionalPackages.js';
import { roomFromQuery } from './roomFromQuery.js';

// The panel's chunk (ui-react, core's manager, the browser transport) loads only while
// the flag is on; a build without the optional packages has no such chunk (the mode is
// replaced at build time, so the import is dropped).
const RemoteTraining =
  import.meta.env.MODE === 'without-optional' ? null : lazy(() => import('./RemoteTraining.js'));

const PROJECTS = [
  { name: 'Mouse open field', detail: '1 240 labelled frames · updated 2 days ago' },
  { name: 'Fly courtship', detail: '860 labelled frames · updated last week' },
  { name: 'Zebrafish larvae', detail: '312 labelled frames · updated in March' },
];

/** Whether remote training can be offered here: null when it can, else the reason. */
function useUnavailableReason(enabled: boolean): string | null | undefined {
  const [reason, setReason] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    void detect({ importer, packages: NEEDED }).then((found) => {
      if (live) setReason(found.reasons[0] ?? null);
    });
    return () => {
      live = false;
    };
  }, [enabled]);
  return reason;
}

function ExperimentalSection({ flag }: { flag: ExperimentalFlag }) {
  const on = useSyncExternalStore(flag.subscribe, flag.getSnapshot);
  const reason = useUnavailableReason(on);
  const query = useMemo(() => roomFromQuery(window.location.search), []);
  if (!on) return null;
  if (reason === undefined) return <p className="demo-note">Checking for remote training…</p>;
  if (reason !== null || RemoteTraining === null)
    return (
      <p className="demo-note" data-testid="unavailable-reason">
        Remote training is unavailable: {reason ?? 'this build has no trainwire packages'}
      </p>
    );
  if (typeof query === 'string')
    return (
      <p className="demo-note" data-testid="unavailable-reason">
        {query}
      </p>
    );
  return (
    <section aria-label="Experimental features" className="demo-card">
      <Suspense fallback={<p className="demo-note">Loading remote training…</p>}>
        <RemoteTraining query={query} />
      </Suspense>
    </section>
  );
}

function Settings({ flag }: { flag: ExperimentalFlag | null }) {
  const on = useSyncExternalStore(flag?.subscribe ?? noSubscribe, flag?.getSnapshot ?? alwaysOff);
  const info = flag?.getInfo();
  return (
    <section aria-labelledby="settings-title" className="demo-card">
      <h2 id="settings-title">Settings</h2>
      <label className="demo-switch">
        <input
          type="checkbox"
          role="switch"
          aria-checked={on}
          checked={on}
          disabled={flag === null || info?.source === 'env'}
          onChange={(event) => void flag?.set(event.target.checked)}
        />
        Enable experimental features
      </label>
      <p className="demo-note">{info?.reason ?? 'Reading your settings…'}</p>
    </section>
  );
}

const noSubscribe = () => () => undefined;
const alwaysOff = () => false;

/** The host's own page: a title, its projects, its settings, and behind the flag the panel. */
export function HostApp({ flag }: { flag: ExperimentalFlag | null }) {
  return (
    <div className="demo-page">
      <header>
        <h1>Lab Notebook</h1>
        <p className="demo-note">A host application that embeds trainwire's remote training.</p>
      </header>
      <main>
        <section aria-labelledby="projects-title" className="demo-card">
          <h2 id="projects-title">Projects</h2>
          <ul className="demo-projects">
            {PROJECTS.map((project) => (
              <li key={project.name}>
                <strong>{project.name}</strong>
                <span>{project.detail}</span>
              </li>
            ))}
          </ul>
        </section>
        <Settings flag={flag} />
        {flag === null ? null : <ExperimentalSection flag={flag} />}
      </main>
    </div>
  );
}
