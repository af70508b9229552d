import { afterEach, describe, expect, it } from 'vitest';
import { createViewerFeed } from '../src/index.js';
import { FakeSession } from './FakeSession.js';
import { PythonPeer } from './PythonPeer.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startViewer(): Promise<{ viewer: PythonPeer; publish: string; control: string }> {
  const viewer = new PythonPeer('fake_loss_viewer.py', []);
  cleanups.push(() => viewer.kill());
  const ready = await viewer.waitFor((l) => l.ready === true);
  return {
    viewer,
    publish: `tcp://127.0.0.1:${ready.publish_port}`,
    control: `tcp://127.0.0.1:${ready.control_port}`,
  };
}

describe('one LossViewer (Python) fed by two jobs', () => {
  it('lets a viewer shared by two jobs follow the latest run, by `what`', async () => {
    const { viewer, publish, control } = await startViewer();
    const jobA = new FakeSession();
    const jobB = new FakeSession();
    const options = { publishAddress: publish, controlAddress: control };
    const feedA = await createViewerFeed(jobA, { ...options, what: 'job-a' });
    cleanups.push(() => feedA.close());
    const feedB = await createViewerFeed(jobB, { ...options, what: 'job-b' });
    cleanups.push(() => feedB.close());
    for (let i = 0; i < 200 && !(feedA.stats.viewerConnected && feedB.stats.viewerConnected); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const lineCount = () => viewer.lines.filter((l) => 'received' in l || 'ignored' in l).length;
    const step = async (emit: () => void) => {
      const before = lineCount();
      emit();
      await viewer.waitFor(() => lineCount() > before);
    };
    await step(() => jobA.progress({ event: 'train_begin' }));
    await step(() => jobA.progress({ event: 'epoch_end', epoch: 0, logs: { loss: 1 } }));
    await step(() => jobB.progress({ event: 'train_begin' }));
    await step(() => jobA.progress({ event: 'epoch_end', epoch: 1, logs: { loss: 0.5 } }));
    await step(() => jobB.progress({ event: 'epoch_end', epoch: 0, logs: { loss: 2 } }));
    const seen = viewer.lines.flatMap((l) => {
      const [kind, m] =
        'received' in l ? ['shown', l.received] : 'ignored' in l ? ['ignored', l.ignored] : [];
      if (kind === undefined) return [];
      const msg = m as { what: string; event: string; epoch?: number };
      return [`${kind} ${msg.what} ${msg.event}${msg.epoch === undefined ? '' : ` ${msg.epoch}`}`];
    });
    expect(seen).toEqual([
      'shown job-a train_begin',
      'shown job-a epoch_end 0',
      'shown job-b train_begin',
      'ignored job-a epoch_end 1',
      'shown job-b epoch_end 0',
    ]);
  });
});
