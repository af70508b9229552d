import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultLab, type FaultLab } from './faultLab.js';
import { recordFault } from './faultRecord.js';
import { expectCompletedOnce, trainPaced } from './faultSteps.js';
import { epochsOf, finalStateOf, jobEventsOf, parseNdjson } from './jobEvents.js';
import { tail } from './trackedProcess.js';
import { sha256, trainWithUpload, uploadedFiles, uploadPercents } from './uploads.js';

describe('fault: a slow, lossy link between the client and the worker', () => {
  let lab: FaultLab;

  beforeAll(async () => {
    lab = await createFaultLab({ epochPauseMs: 400 });
  });

  afterAll(async () => {
    await lab?.close();
  });

  it('2 % loss + 50 ms delay for a whole job: every epoch arrives once, the job completes', async (context) => {
    const scenario = recordFault(context, {
      id: 'a-loss-delay',
      group: '1 link',
      fault: '2 % packet loss and 50 ms delay each way, from before `train` to its end',
      tried: '`trainwire train --profile paced --json`, 15 epochs (~0.4 s each)',
    });
    await lab.net.set({ delayMs: 50, loss: 0.02 });
    const train = trainPaced(lab, 'lossy.json', 15, '--json');
    const { code, at } = await train.exited;
    const stats = await lab.net.set({ delayMs: 0, loss: 0 });
    const lines = parseNdjson(train.stdout());
    const events = jobEventsOf(lines);
    scenario.measure('wall s', at / 1000);
    scenario.measure('events', events.length);
    scenario.measure('packets lost', stats.aToB.lost + stats.bToA.lost);
    scenario.measure('packets forwarded', stats.aToB.forwarded + stats.bToA.forwarded);
    scenario.saw(
      `exit ${code}; ${epochsOf(lines).length} epoch_end events; final state ${finalStateOf(lines)}`,
    );
    expect(code, tail(train.lines)).toBe(0);
    expectCompletedOnce(lines, 15);
    expect(stats.aToB.lost + stats.bToA.lost).toBeGreaterThan(0);
  });
  it('2 % loss + 50 ms delay: a 2 MiB upload arrives whole (same SHA-256)', async (context) => {
    const scenario = recordFault(context, {
      id: 'e1-upload-lossy',
      group: '2 upload',
      fault: '2 % loss and 50 ms delay each way during an upload',
      tried: '`train --upload blob=FILE` with 2 MiB of random bytes',
    });
    const bytes = randomBytes(2 * 1024 * 1024);
    const file = join(lab.dir, 'lossy.bin');
    writeFileSync(file, bytes);
    await lab.net.set({ delayMs: 50, loss: 0.02 });
    const train = lab.client(trainWithUpload(lab, file));
    const { code, at } = await train.exited;
    const stats = await lab.net.set({ delayMs: 0, loss: 0 });
    const stored = uploadedFiles(lab).find((f) => f.size === bytes.length);
    scenario.measure('wall s', at / 1000);
    scenario.measure('MiB/s', 2 / (at / 1000));
    scenario.measure('packets lost', stats.aToB.lost + stats.bToA.lost);
    scenario.saw(
      `exit ${code}; ${stored === undefined ? 'no complete file on the worker' : 'the worker has the file'}`,
    );
    expect(code, tail(train.lines)).toBe(0);
    expect(uploadPercents(train.stdout()).at(-1)).toBe(100);
    expect(stored).toBeDefined();
    expect(sha256(readFileSync(stored!.path))).toBe(sha256(bytes));
  }, 120_000);
});
