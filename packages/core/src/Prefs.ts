import type { Observable } from 'rxjs';

/** A client's preferences: experimental flag, CPU-only, last room and worker. */
export interface PrefsValues {
  experimental: boolean;
  cpuOnly: boolean;
  lastRoom?: string;
  lastWorker?: string;
}

/** Port for the client's preferences store; `values$` replays the current values. */
export interface Prefs {
  readonly values$: Observable<PrefsValues>;
  get(): PrefsValues;
  set(patch: Partial<PrefsValues>): void;
}
