import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { container } from './di.js';
import { EventBus } from './EventBus.js';
import { isTrainwireError } from './errors.js';
import { JobManager } from './JobManager.js';
import type { LocalFile } from './LocalFile.js';
import { registerCore } from './registerCore.js';
import {
  createMemoryTransportPair,
  type MemoryTransportOptions,
} from './testing/MemoryTransport.js';
import { ScriptedWorker, type ScriptedWorkerOptions, sha256Hex } from './testing/ScriptedWorker.js';
import { TRANSPORT } from './tokens.js';

const disposers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

async function setup(link: MemoryTransportOptions = {}, worker: ScriptedWorkerOptions = {}) {
  const [client, workerEnd] = createMemoryTransportPair(link);
  const scripted = new ScriptedWorker({ epochMs: 20, ...worker });
  scripted.accept(workerEnd);
  await Promise.all([client.connect(), workerEnd.connect()]);
  const scope = container.createChildContainer();
  registerCore(scope, { requestTimeoutMs: 300, heartbeatIntervalMs: 200 });
  scope.register(TRANSPORT, { useValue: client });
  const manager = scope.resolve(JobManager);
  disposers.push(async () => {
    manager.dispose();
    await client.close();
    scope.dispose();
  });
  return { manager, client, scripted, bus: scope.resolve(EventBus) };
}

describe('JobManager over MemoryTransport with a scripted worker', () => {
  it('passes every state, gets every epoch once with latency and drops, and computes an ETA', async () => {
    const { manager } = await setup({ latencyMs: 3, dropRate: 0.15, seed: 7 });
    const session = manager.submit({ profile: 'builtin', config: { epochs: 8 } });
    const states: string[] = [];
    const epochs: number[] = [];
    let sawEta = false;
    session.state$.subscribe((s) => states.push(s));
    session.events$.subscribe((e) => {
      if (e.type === 'progress' && e.progress.event === 'epoch_end') epochs.push(e.progress.epoch);
      if (session.getSnapshot().eta !== null) sawEta = true;
    });
    const final = await session.done;
    expect(final.state).toBe('completed');
    expect(states).toEqual(['queued', 'validating', 'starting', 'running', 'completed']);
    expect(epochs).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(final.progress.history.map((h) => h.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(sawEta).toBe(true);
    expect(final.artifacts.map((a) => a.label)).toEqual(['last']);
  });

  it('loses nothing across a forced disconnect in the middle of a job', async () => {
    const { manager, client } = await setup({ latencyMs: 2 });
    const session = manager.submit({ profile: 'builtin', config: { epochs: 10 } });
    await firstValueFrom(session.progress$.pipe(filter((p) => p.completedEpochs >= 3)));
    client.disconnect(120);
    const final = await session.done;
    expect(final.state).toBe('completed');
    expect(final.progress.history.map((h) => h.epoch)).toEqual([...Array(10).keys()]);
    expect(final.lastSeq).toBeGreaterThan(0);
  });

  it('stop finishes the epoch and completes; cancel ends at once', async () => {
    const { manager } = await setup({}, { epochMs: 40 });
    const stopped = manager.submit({ profile: 'builtin', config: { epochs: 50 } });
    await firstValueFrom(stopped.progress$.pipe(filter((p) => p.completedEpochs >= 1)));
    await stopped.stop();
    const afterStop = await stopped.done;
    expect(afterStop.state).toBe('completed');
    expect(afterStop.progress.completedEpochs).toBeLessThan(50);
    expect(afterStop.artifacts.some((a) => a.kind === 'checkpoint')).toBe(true);

    const cancelled = manager.submit({ profile: 'builtin', config: { epochs: 50 } });
    await firstValueFrom(cancelled.state$.pipe(filter((s) => s === 'running')));
    await cancelled.cancel();
    expect((await cancelled.done).state).toBe('cancelled');
  });

  it('shows its jobs and canSubmit as a snapshot for React, the same object until it changes', async () => {
    const { manager } = await setup();
    const first = manager.getSnapshot();
    expect(first).toEqual({ jobs: [], canSubmit: true });
    expect(manager.getSnapshot()).toBe(first);
    let calls = 0;
    const unsubscribe = manager.subscribe(() => calls++);
    const session = manager.submit({ profile: 'builtin', config: { epochs: 2 } });
    const running = manager.getSnapshot();
    expect(running).not.toBe(first);
    expect(running.jobs).toEqual([session]);
    expect(running.canSubmit).toBe(false);
    await session.done;
    await new Promise((r) => setTimeout(r, 0));
    expect(manager.getSnapshot().canSubmit).toBe(true);
    expect(calls).toBeGreaterThanOrEqual(2);
    unsubscribe();
  });

  it('allows one job at a time per worker by default (canSubmit$)', async () => {
    const { manager } = await setup();
    const seen: boolean[] = [];
    manager.canSubmit$.subscribe((v) => seen.push(v));
    const first = manager.submit({ profile: 'builtin', config: { epochs: 2 } });
    let refused: unknown;
    try {
      manager.submit({ profile: 'builtin', config: { epochs: 2 } });
    } catch (error) {
      refused = error;
    }
    expect(isTrainwireError(refused, 'submit_refused')).toBe(true);
    await first.done;
    expect(seen).toEqual([true, false, true]);
  });

  it('stops at validate-config with every error and its field path', async () => {
    const { manager } = await setup();
    const session = manager.submit({
      profile: 'sleap-nn',
      config: {
        model_config: {
          backbone_config: { unet: { max_stride: 12 }, convnext: null },
          head_configs: {},
        },
        trainer_config: { max_epochs: 0, optimizer_name: 'SGD' },
      },
    });
    const final = await session.done;
    expect(final.state).toBe('failed');
    expect(final.submitStep).toBe('validate-config');
    expect(final.error?.code).toBe('config_invalid');
    const issues = (final.error?.details?.issues ?? []) as Array<{ path: string }>;
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'model_config.backbone_config.unet.max_stride',
        'model_config.head_configs',
        'trainer_config.max_epochs',
        'trainer_config.optimizer_name',
      ]),
    );
  });

  it('stops at check-paths with the missing file and ranked candidates', async () => {
    const { manager } = await setup(
      {},
      { files: { '/mnt/data/labels.slp': { size: 100 }, '/mnt/old/labels.slp': { size: 90 } } },
    );
    const session = manager.submit({
      profile: 'builtin',
      config: { epochs: 1 },
      inputs: { labels: '/Users/me/labels.slp' },
    });
    const final = await session.done;
    expect(final.submitStep).toBe('check-paths');
    expect(final.error?.code).toBe('paths_missing');
    expect(final.error?.message).toContain('/Users/me/labels.slp');
    // The message is the view's to complete (a flag in the CLI, a dialog in a widget).
    expect(final.error?.message).not.toContain('dialog');
    const resolution = final.error?.details?.resolution as {
      entries: Array<{ candidates: Array<{ path: string }> }>;
    };
    expect(resolution.entries[0]?.candidates.map((c) => c.path)).toEqual([
      '/mnt/data/labels.slp',
      '/mnt/old/labels.slp',
    ]);
  });

  it('uploads a missing input, verified by hash, and skips it the second time', async () => {
    const { manager, scripted } = await setup({ latencyMs: 1 });
    const bytes = new TextEncoder().encode('x,y,label\n'.repeat(5000));
    const file: LocalFile = {
      name: 'my data: ünï.csv',
      size: bytes.length,
      sha256: await sha256Hex(bytes),
      async *read(offset) {
        for (let at = offset; at < bytes.length; at += 8192) yield bytes.subarray(at, at + 8192);
      },
    };
    const first = manager.submit(
      { profile: 'builtin', config: { epochs: 1 } },
      { uploads: { dataset: file } },
    );
    const uploaded = await first.done;
    expect(uploaded.state).toBe('completed');
    const path = `/uploads/${file.sha256}/${file.name}`;
    expect(scripted.hasFile(path)).toBe(true);
    expect(first.spec.inputs.dataset).toBe(path);
    let reads = 0;
    const counted: LocalFile = {
      ...file,
      read: (o) => {
        reads++;
        return file.read(o);
      },
    };
    const second = manager.submit(
      { profile: 'builtin', config: { epochs: 1 } },
      { uploads: { dataset: counted } },
    );
    expect((await second.done).state).toBe('completed');
    expect(reads).toBe(0);
  });

  it('publishes progress, artifacts and completion on the event bus', async () => {
    const { manager, bus } = await setup();
    const channels: string[] = [];
    bus.on('training.progress').subscribe(() => channels.push('progress'));
    bus.on('artifact.created').subscribe(() => channels.push('artifact'));
    bus.on('training.complete').subscribe(({ state }) => channels.push(`complete:${state}`));
    await manager.submit({ profile: 'builtin', config: { epochs: 2 } }).done;
    expect(channels).toEqual(['progress', 'progress', 'artifact', 'complete:completed']);
  });

  it('attaches to a job another client started and gets its whole history', async () => {
    const { manager, scripted } = await setup();
    const done = await manager.submit(
      { profile: 'builtin', config: { epochs: 3 } },
      { jobId: 'shared-job' },
    ).done;
    const [client2, worker2] = createMemoryTransportPair();
    scripted.accept(worker2);
    await Promise.all([client2.connect(), worker2.connect()]);
    const scope = container.createChildContainer();
    registerCore(scope);
    scope.register(TRANSPORT, { useValue: client2 });
    const other = scope.resolve(JobManager);
    disposers.push(() => other.dispose());
    const attached = await other.attach('shared-job');
    const final = await attached.done;
    expect(final.progress.history).toEqual(done.progress.history);
    expect(final.lastSeq).toBe(done.lastSeq);
  });
});

describe('cancelling before the job reaches the worker', () => {
  it('ends it on the client, even right after submit, and the worker never sees it', async () => {
    const { manager, scripted } = await setup();
    const session = manager.submit({ profile: 'builtin', config: { epochs: 3 } });
    await session.cancel();
    const final = await session.done;
    expect(final.state).toBe('cancelled');
    expect(final.error?.message).toContain('before it reached the worker');
    await new Promise((r) => setTimeout(r, 20));
    expect(scripted.store.listJobs()).toEqual([]);
  });
});
