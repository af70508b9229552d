import { asyncScheduler } from 'rxjs';
import { type DependencyContainer, Lifecycle } from './di.js';
import { EventBus } from './EventBus.js';
import { JobManager, type JobManagerOptions } from './JobManager.js';
import { CLOCK, CONFIG_PROFILES, JOB_MANAGER_OPTIONS } from './tokens.js';
import { builtinConfigProfile } from './validation/builtinConfigProfile.js';
import { ConfigProfileRegistry } from './validation/ConfigProfileRegistry.js';
import { pytorchConfigProfile } from './validation/pytorchConfigProfile.js';
import { sleapNnConfigProfile } from './validation/sleapNnConfigProfile.js';

/**
 * Registers the core's defaults in `container`: the real clock, the config profiles of
 * the built-in trainer, sleap-nn and the PyTorch trainer, an event bus and the job manager (one each per
 * container). The caller registers `TRANSPORT`; anything registered before is kept.
 *
 * @example
 * ```ts
 * const scope = container.createChildContainer();
 * registerCore(scope);
 * scope.register(TRANSPORT, { useValue: transport });
 * const manager = scope.resolve(JobManager);
 * ```
 */
export function registerCore(
  container: DependencyContainer,
  options: JobManagerOptions = {},
): DependencyContainer {
  if (!container.isRegistered(CLOCK)) container.register(CLOCK, { useValue: asyncScheduler });
  if (!container.isRegistered(CONFIG_PROFILES)) {
    container.register(CONFIG_PROFILES, {
      useValue: new ConfigProfileRegistry([
        builtinConfigProfile,
        sleapNnConfigProfile,
        pytorchConfigProfile,
      ]),
    });
  }
  if (!container.isRegistered(JOB_MANAGER_OPTIONS)) {
    container.register(JOB_MANAGER_OPTIONS, { useValue: options });
  }
  const scoped = { lifecycle: Lifecycle.ContainerScoped } as const;
  if (!container.isRegistered(EventBus))
    container.register(EventBus, { useClass: EventBus }, scoped);
  if (!container.isRegistered(JobManager)) {
    container.register(JobManager, { useClass: JobManager }, scoped);
  }
  return container;
}
