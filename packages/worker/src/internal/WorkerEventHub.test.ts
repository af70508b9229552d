import { join } from 'node:path';
import { type JobEvent, JobSpecSchema, RpcPeer } from '@trainwire/core';
import { createMemoryTransportPair } from '@trainwire/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, tempDir, until } from '../__tests__/helpers.js';
import { openDatabase } from '../store/openDatabase.js';
import { SqliteJobStore } from '../store/SqliteJobStore.js';
import { WorkerEventHub } from './WorkerEventHub.js';

afterAll(cleanTempDirs);

describe('WorkerEventHub: job.attach with afterSeq', () => {
  it('replays a history larger than many pages, then goes live: every event after afterSeq once, in order', async () => {
    const db = openDatabase(join(tempDir(), 'worker.sqlite'));
    const jobs = new SqliteJobStore(db);
    const spec = JobSpecSchema.parse({ profile: 'builtin' });
    jobs.createJob({ jobId: 'j1', spec, state: 'running', workerId: 'w', createdAt: 1 });
    const hub = new WorkerEventHub(jobs, db, () => 1);
    const line = 'x'.repeat(500);
    // ~1.5 MB of history: the replay takes several pages (turns of the event loop).
    for (let i = 0; i < 3000; i++) hub.emit('j1', { type: 'log', stream: 'stdout', line });
    const [clientEnd, workerEnd] = createMemoryTransportPair({ maxMessageSize: 256 * 1024 });
    await Promise.all([clientEnd.connect(), workerEnd.connect()]);
    const worker = new RpcPeer(workerEnd);
    const seen: JobEvent[] = [];
    new RpcPeer(clientEnd).events$.subscribe((e) => seen.push(e));
    hub.attach('j1', worker, 10);
    // Live events while the replay runs: they must come after it, not in between.
    const live = setInterval(
      () => hub.emit('j1', { type: 'log', stream: 'stderr', line: 'live' }),
      1,
    );
    await until(() => seen.length >= 2990 + 20, 'the replay and some live events');
    clearInterval(live);
    hub.emit('j1', { type: 'state', state: 'completed' });
    const last = jobs.lastSeq('j1');
    await until(() => seen.length === last - 10, 'every event after seq 10');
    expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: last - 10 }, (_, i) => i + 11));
    // Attaching again without afterSeq changes nothing; a closed link stops the pushes.
    hub.attach('j1', worker);
    hub.detachPeer(worker);
    hub.emit('j1', { type: 'log', stream: 'stdout', line: 'after detach' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toHaveLength(last - 10);
    await clientEnd.close();
    db.close();
  });
});
