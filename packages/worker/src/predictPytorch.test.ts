import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createJobManager, fetchPredictions, submitPredict } from '@trainwire/core';
import { createMemoryTransportPair } from '@trainwire/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { fileTarget } from './__tests__/fileTarget.js';
import { tempDir } from './__tests__/helpers.js';
import { closeWorkersAfterEach, finalState, startWorker } from './__tests__/workerHarness.js';

// The real PyTorch trainer (trainers/pytorch) on Debian's python3 with torch and pyzmq.
const workers = closeWorkersAfterEach();
const disposers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

const tiny = { epochs: 2, samples: 64, imageSize: 16, batchSize: 16, filters: 4, threads: 1 };

describe('the PyTorch trainer in a pipeline and in predict mode', () => {
  it('trains two PyTorch stages, then predicts on the model just trained: one prediction per image, SHA-256 matching', async () => {
    const data = tempDir('tw-data-');
    const { worker, client, events } = await startWorker({
      dataDir: tempDir(),
      cancelGraceMs: 2_000,
      mounts: [{ name: 'data', path: data, readOnly: false }],
    });
    workers.push(worker);
    await client.request('job.start', {
      jobId: 'kp',
      spec: {
        profile: 'pipeline',
        name: 'kp',
        device: 'cpu',
        stages: [
          { name: 'coarse', profile: 'pytorch', config: tiny },
          {
            name: 'fine',
            profile: 'pytorch',
            config: { ...tiny, learningRate: 0.001 },
            inputs: { base_model: 'stage:coarse' },
          },
        ],
      },
    });
    const end = await finalState(events, 'kp');
    expect(end, JSON.stringify(end)).toMatchObject({ state: 'completed', stage: { name: 'fine' } });
    const epochEnds = events.flatMap((e) =>
      e.jobId === 'kp' && e.type === 'progress' && e.progress.event === 'epoch_end' ? [e] : [],
    );
    expect(epochEnds.map((e) => e.progress.what)).toEqual(['coarse', 'coarse', 'fine', 'fine']);
    expect(
      events.some(
        (e) =>
          e.jobId === 'kp' &&
          e.type === 'log' &&
          e.stage?.name === 'fine' &&
          e.line.startsWith('fine-tuning from'),
      ),
    ).toBe(true);

    const [transport, workerEnd] = createMemoryTransportPair();
    worker.accept(workerEnd);
    await Promise.all([transport.connect(), workerEnd.connect()]);
    const { manager, dispose } = createJobManager(transport);
    disposers.push(async () => {
      dispose();
      await transport.close();
    });
    const session = submitPredict(manager, {
      profile: 'pytorch',
      model: { name: 'kp/fine' },
      config: { samples: 23, dataSeed: 99 },
      device: 'cpu',
      jobId: 'kp-predict',
    });
    const out = join(tempDir('tw-out-'), 'predictions.jsonl');
    const fetched = await fetchPredictions(session, manager.peerFor(), fileTarget(out));
    const bytes = readFileSync(out);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(fetched.artifact.sha256);
    const lines = bytes
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(23);
    expect(lines.map((l) => l.index)).toEqual([...Array(23).keys()]);
    for (const line of lines) {
      expect(line.keypoints).toHaveLength(2);
      expect(line.truth).toHaveLength(2);
      expect(Number.isFinite(line.pixel_error)).toBe(true);
    }
    expect(session.getSnapshot().items).toMatchObject({ done: 23, total: 23, etaMs: 0 });

    // An input file of images (a tensor saved with torch.save) on the worker: one line each.
    const images = join(data, 'images.pt');
    execFileSync('/usr/bin/python3', [
      '-c',
      `import torch; torch.save(torch.rand(5, 16, 16), ${JSON.stringify(images)})`,
    ]);
    const onFile = submitPredict(manager, {
      profile: 'pytorch',
      model: { artifactId: 'kp:fine:model' },
      input: images,
      device: 'cpu',
      jobId: 'kp-file',
    });
    const out2 = join(data, 'from-file.jsonl');
    const second = await fetchPredictions(onFile, manager.peerFor(), fileTarget(out2)).catch(
      (error) => {
        throw new Error(
          `${error.message} ${JSON.stringify(onFile.getSnapshot().logs.map((l) => l.line))}`,
        );
      },
    );
    const rows = readFileSync(out2, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    expect(rows[0].truth).toBeUndefined();
    expect(createHash('sha256').update(readFileSync(out2)).digest('hex')).toBe(
      second.artifact.sha256,
    );
  });
});
