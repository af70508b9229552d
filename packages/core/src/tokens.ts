import type { SchedulerLike } from 'rxjs';
import type { InjectionToken } from 'tsyringe';
import type { JobManagerOptions } from './JobManager.js';
import type { JobStore } from './JobStore.js';
import type { Prefs } from './Prefs.js';
import type { Transport } from './Transport.js';
import type { ConfigProfileRegistry } from './validation/ConfigProfileRegistry.js';

/** The transport to the default target (a worker). */
export const TRANSPORT: InjectionToken<Transport> = Symbol.for('trainwire.Transport');
/** The clock: an RxJS scheduler (`now()` and timers). Tests inject a `VirtualClock`. */
export const CLOCK: InjectionToken<SchedulerLike> = Symbol.for('trainwire.Clock');
/** The client's preferences store (prefs file in Node, localStorage in a browser). */
export const PREFS: InjectionToken<Prefs> = Symbol.for('trainwire.Prefs');
/** Registry of config-validation profiles. */
export const CONFIG_PROFILES: InjectionToken<ConfigProfileRegistry> = Symbol.for(
  'trainwire.ConfigProfiles',
);
/** Options of the job manager (concurrency policy, timeouts). */
export const JOB_MANAGER_OPTIONS: InjectionToken<JobManagerOptions> = Symbol.for(
  'trainwire.JobManagerOptions',
);
/** The worker's job store (SQLite in `@trainwire/worker`, in memory in tests). */
export const JOB_STORE: InjectionToken<JobStore> = Symbol.for('trainwire.JobStore');
