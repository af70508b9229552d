import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { type JobEvent, RpcPeer } from '@trainwire/core';
import { createMemoryTransportPair } from '@trainwire/core/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanTempDirs, requireDist, tempDir, until } from './__tests__/helpers.js';
import { csvDataset, upload } from './__tests__/upload.js';
import { finalState, startWorker } from './__tests__/workerHarness.js';
import type { PeerIdentity } from './PeerIdentity.js';
import { openDatabase } from './store/openDatabase.js';
import type { Worker } from './Worker.js';
import type { WorkerLogEntry } from './WorkerLogEntry.js';

beforeAll(requireDist);
const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
  cleanTempDirs();
});

const alice: PeerIdentity = { credentialId: 'a1b2c3d4e5f6', role: 'client', name: 'alice' };
const bob: PeerIdentity = { credentialId: 'f6e5d4c3b2a1', role: 'client', name: 'bob' };
const long = { epochs: 10_000, dataset: { synthetic: { samples: 2000 } } };

async function setup() {
  const dataDir = tempDir();
  const log: WorkerLogEntry[] = [];
  const started = await startWorker(
    { dataDir, maxConcurrentJobs: 4 },
    {},
    { logger: (entry) => log.push(entry) },
  );
  workers.push(started.worker);
  return { ...started, dataDir, log };
}

/** A connection as `identity` that also keeps the raw frames the worker sent. */
async function rawConnection(worker: Worker, identity: PeerIdentity) {
  const [clientEnd, workerEnd] = createMemoryTransportPair();
  worker.accept(workerEnd, identity);
  const frames: Array<{ type: string; result?: Record<string, unknown> }> = [];
  clientEnd.messages$.subscribe((text) => frames.push(JSON.parse(text)));
  await Promise.all([clientEnd.connect(), workerEnd.connect()]);
  return { peer: new RpcPeer(clientEnd), frames };
}

describe('who started a job', () => {
  it('records the credential that started a job; another member may read it but not stop or cancel it', async () => {
    const { worker, connect, dataDir, log, client: local } = await setup();
    const a = await connect(alice);
    const b = await connect(bob);
    const events: JobEvent[] = [];
    a.events$.subscribe((e) => events.push(e));
    await a.request('job.start', { jobId: 'ja', spec: { profile: 'builtin', config: long } });
    await until(
      () => events.some((e) => e.type === 'progress' && e.progress.event === 'epoch_end'),
      'the first epoch',
    );

    // Reads stay open to the room.
    expect((await b.request('job.list', {})).jobs.map((j) => j.jobId)).toEqual(['ja']);
    expect((await b.request('job.attach', { jobId: 'ja', afterSeq: 0 })).state).toBe('running');
    const history = await b.request('job.events', { jobId: 'ja', afterSeq: 0 });
    expect(history.events.some((e) => e.type === 'progress')).toBe(true);

    for (const method of ['job.stop', 'job.cancel'] as const) {
      const refused = await b.request(method, { jobId: 'ja' }).catch((e: unknown) => e);
      expect(refused).toMatchObject({
        code: 'not_owner',
        details: { jobId: 'ja', ownerCredentialId: alice.credentialId },
      });
      expect((refused as Error).message).toMatch(
        /job ja: it was started by another member of the room, credential a1b2c3d4e5f6 \(alice\); ask them, or the worker's operator/,
      );
    }
    expect(worker.jobs.getJob('ja')?.state).toBe('running');
    expect(log.filter((e) => e.event === 'not_owner')).toHaveLength(2);
    expect(log[0]).toMatchObject({ credentialId: bob.credentialId, jobId: 'ja' });

    // The owner stops it; the store file says who started it.
    expect((await a.request('job.stop', { jobId: 'ja' })).state).toBe('stopping');
    expect((await finalState(events, 'ja')).state).toBe('completed');
    const db = openDatabase(join(dataDir, 'worker.sqlite'));
    expect(
      db.prepare('SELECT owner_credential_id, owner_name FROM jobs WHERE job_id = ?').get('ja'),
    ).toEqual({ owner_credential_id: alice.credentialId, owner_name: 'alice' });
    db.close();

    // The local mode (no identity) may cancel anyone's job; a local job has no owner.
    await b.request('job.start', { jobId: 'jb', spec: { profile: 'builtin', config: long } });
    expect((await local.request('job.cancel', { jobId: 'jb' })).state).toBeDefined();
    await local.request('job.start', { jobId: 'jl', spec: { profile: 'builtin', config: long } });
    expect(worker.jobs.getJob('jl')?.owner).toBeUndefined();
    await expect(a.request('job.cancel', { jobId: 'jl' })).rejects.toMatchObject({
      code: 'not_owner',
      message: expect.stringMatching(/started on the worker itself by its operator/),
    });
    await local.request('job.cancel', { jobId: 'jl' });
    expect(await worker.waitForJob('jb')).toBe('cancelled');
    expect(await worker.waitForJob('jl')).toBe('cancelled');
  });

  it("sends the owner in job.list and job.attach results (core's schemas drop it until they know it)", async () => {
    const { worker, connect } = await setup();
    const a = await connect(alice);
    await a.request('job.start', {
      jobId: 'ja',
      spec: { profile: 'builtin', config: { epochs: 1 } },
    });
    const { peer, frames } = await rawConnection(worker, bob);
    await peer.request('job.list', {});
    await peer.request('job.attach', { jobId: 'ja', afterSeq: 0 });
    const results = frames.filter((f) => f.type === 'response').map((f) => f.result);
    const owner = { credentialId: alice.credentialId, name: 'alice' };
    expect(results[0]).toMatchObject({ jobs: [{ jobId: 'ja', owner }] });
    expect(results[1]).toMatchObject({ jobId: 'ja', owner });
    await worker.waitForJob('ja');
  });
});

describe('uploads belong to their uploader', () => {
  it("a member cannot use, list, check, find or download another member's upload; the uploader and the local mode can", async () => {
    const { worker, connect, dataDir, log, client: local } = await setup();
    const a = await connect(alice);
    const b = await connect(bob);
    const bytes = csvDataset();
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = await upload(a, 'alice.csv', bytes);
    const uploads = join(dataDir, 'uploads');
    expect(dirname(path)).toBe(join(uploads, sha256));

    // Knowing the hash (job specs show upload paths) is not having the file.
    expect(
      await b.request('upload.begin', { name: 'alice.csv', size: bytes.length, sha256 }),
    ).toMatchObject({ have: false, offset: 0 });
    const spec = { profile: 'builtin', config: { epochs: 1 }, inputs: { dataset: path } };
    const denied = {
      code: 'path_denied',
      message: expect.stringMatching(/not among the files this worker shares with you/),
    };
    await expect(b.request('job.start', { jobId: 'jb', spec })).rejects.toMatchObject(denied);
    expect(worker.jobs.getJob('jb')).toBeUndefined();
    await expect(
      b.request('file.download', { path, transferId: 'dl-1', offset: 0 }),
    ).rejects.toMatchObject(denied);
    const checked = await b.request('paths.check', { paths: [path], sha256: true });
    expect(checked.results[0]).toMatchObject({ exists: false });
    expect(checked.results[0]?.sha256).toBeUndefined();
    expect((await b.request('paths.list', { path: uploads })).entries).toEqual([]);
    await expect(b.request('paths.list', { path: dirname(path) })).rejects.toMatchObject(denied);
    expect((await b.request('paths.find', { name: 'alice.csv' })).results).toEqual([]);
    // A path that does not exist there is refused in the same words: nothing is revealed.
    const nothing = join(uploads, 'f'.repeat(64), 'x.csv');
    await expect(
      b.request('job.start', { jobId: 'jb', spec: { ...spec, inputs: { dataset: nothing } } }),
    ).rejects.toMatchObject(denied);
    expect(log.some((e) => e.event === 'path_denied' && e.credentialId === bob.credentialId)).toBe(
      true,
    );

    // Bob's bytes into Alice's transfer are ignored, and he cannot finish it.
    const begunA = await a.request('upload.begin', {
      name: 'x.csv',
      size: 3,
      sha256: 'a'.repeat(64),
    });
    if (begunA.have) throw new Error('unexpected');
    await expect(
      b.request('upload.finish', { transferId: begunA.transferId }),
    ).rejects.toMatchObject({ code: 'unknown_transfer' });

    // The uploader sees and uses it.
    expect((await a.request('paths.list', { path: uploads })).entries.map((e) => e.name)).toEqual([
      sha256,
    ]);
    expect((await a.request('paths.find', { name: 'alice.csv' })).results).toEqual([
      { path, size: bytes.length },
    ]);
    const aEvents: JobEvent[] = [];
    a.events$.subscribe((e) => aEvents.push(e));
    await a.request('job.start', { jobId: 'ja', spec });
    expect((await finalState(aEvents, 'ja')).state).toBe('completed');

    // Bob sends the same bytes himself: now the upload is his too, under his own name.
    const bobPath = await upload(b, 'bob.csv', bytes);
    expect(bobPath).toBe(join(uploads, sha256, 'bob.csv'));
    expect(
      (await b.request('paths.list', { path: dirname(bobPath) })).entries.map((e) => e.name),
    ).toEqual(['bob.csv']);
    await expect(
      b.request('paths.check', { paths: [path] }).then((r) => r.results[0]?.exists),
    ).resolves.toBe(false);

    // The local mode sees everything.
    expect(
      (await local.request('paths.list', { path: join(uploads, sha256) })).entries.map(
        (e) => e.name,
      ),
    ).toEqual(['alice.csv', 'bob.csv']);
    expect(
      await local.request('upload.begin', { name: 'any.csv', size: bytes.length, sha256 }),
    ).toMatchObject({ have: true });
  });
});
