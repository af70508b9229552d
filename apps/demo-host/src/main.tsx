// First, before anything that loads tsyringe (core's DI): the metadata polyfill. Core
// imports it in its di.ts, but in a bundle split into chunks that import may run after
// tsyringe's check in the panel's chunk.
import 'reflect-metadata';
import { ExperimentalFlag } from '@trainwire/host-adapter';
import { createRoot } from 'react-dom/client';
import { HostApp } from './HostApp.js';
import './styles.css';

/** The page's own key in localStorage, so it does not share the flag with other apps. */
const PREFS_KEY = 'trainwire-demo-host.prefs';

const root = createRoot(document.getElementById('root')!);
root.render(<HostApp flag={null} />);
// Never rejects: a blocked localStorage reads as off, with the reason.
void ExperimentalFlag.open({ localStorageKey: PREFS_KEY }).then((flag) =>
  root.render(<HostApp flag={flag} />),
);
