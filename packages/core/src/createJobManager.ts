import type { SchedulerLike } from 'rxjs';
import { type DependencyContainer, container as rootContainer } from './di.js';
import { JobManager, type JobManagerOptions } from './JobManager.js';
import { registerCore } from './registerCore.js';
import type { Transport } from './Transport.js';
import { CLOCK, TRANSPORT } from './tokens.js';

/** What {@link createJobManager} makes. */
export interface OwnedJobManager {
  manager: JobManager;
  /** The child container it lives in (to resolve more of the core from the same scope). */
  scope: DependencyContainer;
  /** Disposes the manager and its container (the transport is not closed). */
  dispose(): Promise<void>;
}

/**
 * A `JobManager` of its own over `transport`, in a child container with the core's
 * defaults (`registerCore`): what the CLI makes per command and a host makes per page.
 * `scheduler` becomes the `CLOCK` (a virtual clock in tests).
 *
 * @example
 * ```ts
 * const { manager, dispose } = createJobManager(transport, { reconnectForMs: 60_000 });
 * const session = manager.submit({ profile: 'builtin', config: { epochs: 5 } });
 * await session.done;
 * await dispose();
 * ```
 */
export function createJobManager(
  transport: Transport,
  options: JobManagerOptions & { scheduler?: SchedulerLike; parent?: DependencyContainer } = {},
): OwnedJobManager {
  const { scheduler, parent, ...managerOptions } = options;
  const scope = (parent ?? rootContainer).createChildContainer();
  if (scheduler !== undefined) scope.register(CLOCK, { useValue: scheduler });
  registerCore(scope, managerOptions);
  scope.register(TRANSPORT, { useValue: transport });
  const manager = scope.resolve(JobManager);
  return {
    manager,
    scope,
    dispose: async () => {
      manager.dispose();
      await scope.dispose();
    },
  };
}
