import { describe, expect, it } from 'vitest';
import { container } from './di.js';
import { JobManager } from './JobManager.js';
import { registerCore } from './registerCore.js';
import { createMemoryTransportPair } from './testing/MemoryTransport.js';
import { CONFIG_PROFILES, TRANSPORT } from './tokens.js';

describe('registerCore', () => {
  it('gives each child container its own manager, with the profiles registered', () => {
    const [transport] = createMemoryTransportPair();
    const a = registerCore(container.createChildContainer());
    const b = registerCore(container.createChildContainer());
    a.register(TRANSPORT, { useValue: transport });
    b.register(TRANSPORT, { useValue: transport });
    expect(a.resolve(JobManager)).toBe(a.resolve(JobManager));
    expect(a.resolve(JobManager)).not.toBe(b.resolve(JobManager));
    expect(a.resolve(CONFIG_PROFILES).ids()).toEqual(['builtin', 'sleap-nn', 'pytorch']);
    a.dispose();
    b.dispose();
  });

  it('resolves from the built package too (no reliance on emitted decorator metadata)', async () => {
    // The dist is compiled by tsc without emitDecoratorMetadata, as esbuild/tsup would.
    const core = await import('../dist/index.js').catch(() => null);
    expect(core, 'build @trainwire/core first (npm run build)').not.toBeNull();
    const testing = await import('../dist/testing/index.js');
    const [transport] = testing.createMemoryTransportPair();
    const scope = core!.registerCore(core!.container.createChildContainer());
    scope.register(core!.TRANSPORT, { useValue: transport });
    expect(scope.resolve(core!.JobManager)).toBeInstanceOf(core!.JobManager);
  });
});
