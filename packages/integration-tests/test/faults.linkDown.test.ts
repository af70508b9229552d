import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withFaultLab } from './faultLab.js';
import { recordFault } from './faultRecord.js';
import {
  attachJob,
  clockOf,
  expectCompletedOnce,
  lineAfter,
  measureConnectionLines,
  secondsAfter,
  sleep,
  softUnreachable,
  stderrLineWithin,
  trainPaced,
  waitForEpoch,
  workerCheckpointEpoch,
} from './faultSteps.js';
import { connectionStatusesOf, epochsOf, finalStateOf, parseNdjson } from './jobEvents.js';
import { tail } from './trackedProcess.js';
import { sha256, trainWithUpload, uploadedFiles, uploadPercents } from './uploads.js';

// Each scenario has a lab of its own (namespaces, relay, server, worker), so the
// link-downs run side by side and the suite waits out the longest one only.
describe.concurrent('fault: the link between client and worker goes down mid-job or mid-upload', () => {
  it('down for 20 s: the job completes and every event arrives once', async (context) => {
    const scenario = recordFault(context, {
      id: 'b-link-down-20s',
      group: '1 link',
      fault: 'link down for 20 s (every packet dropped), mid-job',
      tried:
        '`train --profile paced --json`, 30 epochs of ~1 s, default heartbeat timeout; the link cut after epoch 3',
    });
    await withFaultLab({ epochPauseMs: 1000 }, async (lab) => {
      const train = trainPaced(lab, 'b.json', 30, '--json');
      const jobId = await waitForEpoch(train, 3);
      await lab.net.down();
      const downAt = clockOf(train);
      await sleep(20_000);
      const workerEpochAtUp = workerCheckpointEpoch(lab, jobId);
      await lab.net.up();
      const upAt = clockOf(train);
      const { code, at } = (await train.exitWithin(90_000)) ?? { code: null, at: clockOf(train) };
      const lines = parseNdjson(train.stdout());
      const firstAfterUp = lineAfter(train, /"seq":/, upAt, 'stdout');
      const whileDown = train.lines.filter((l) => l.at > downAt + 1_000 && l.at < upAt);
      scenario.measure('lines printed while down', whileDown.length);
      if (whileDown.length > 0)
        scenario.saw(`printed while down: ${whileDown[0]!.text.slice(0, 160)}`);
      scenario.measure('down s', (upAt - downAt) / 1000);
      scenario.measure('worker epochs done when the link came back', workerEpochAtUp ?? 'none');
      scenario.measure('first event after up, s', secondsAfter(firstAfterUp, upAt, 'none'));
      scenario.measure('client wall s', at / 1000);
      scenario.saw(
        `exit ${code ?? 'none (still running after 90 s)'}; ${epochsOf(lines).length} of 30 epochs; final state ${finalStateOf(lines) ?? 'none'}`,
      );
      expect(code, tail(train.lines)).toBe(0);
      expectCompletedOnce(lines, 30);
      // A word about the worker, if any, is followed by its return.
      const statuses = connectionStatusesOf(lines);
      if (statuses.includes('unreachable')) expect(statuses.at(-1)).toBe('connected');
      expect(train.stderr()).not.toMatch(/Lost contact/);
    });
  }, 180_000);

  it('down for 45 s: the client says the worker is unreachable, then catches up when it is back', async (context) => {
    const scenario = recordFault(context, {
      id: 'c-link-down-45s',
      group: '1 link',
      fault: 'link down for 45 s, mid-job (the job ends on the worker meanwhile)',
      tried:
        '`train --profile paced --json --heartbeat-timeout 5` (wait for the worker: default 600 s), 20 epochs of ~1 s; the link cut after epoch 3',
    });
    await withFaultLab({ epochPauseMs: 1000 }, async (lab) => {
      const train = trainPaced(lab, 'c.json', 20, '--json', '--heartbeat-timeout', '5');
      const jobId = await waitForEpoch(train, 3);
      await lab.net.down();
      const downAt = clockOf(train);
      const unreachable = await stderrLineWithin(train, /^Worker w1 is unreachable/, 44_000);
      await sleep(Math.max(0, downAt + 45_000 - clockOf(train)));
      await lab.net.up();
      const upAt = clockOf(train);
      const back = await stderrLineWithin(train, /^Worker w1 is back/, 60_000);
      const { code, at } = (await train.exitWithin(60_000)) ?? { code: null, at: clockOf(train) };
      const lines = parseNdjson(train.stdout());
      scenario.measure('unreachable after s', secondsAfter(unreachable, downAt));
      scenario.measure('back after up, s', secondsAfter(back, upAt));
      scenario.measure('worker epochs done', workerCheckpointEpoch(lab, jobId) ?? 'none');
      scenario.measure('client wall s', at / 1000);
      scenario.measure('stderr lines', train.lines.filter((l) => l.stream === 'stderr').length);
      measureConnectionLines(scenario, train, downAt);
      scenario.saw(
        `${unreachable === undefined ? 'no "unreachable" line' : `"${unreachable.text}"`}; ${back === undefined ? 'no "is back" line' : `"${back.text}"`}; connection lines: ${connectionStatusesOf(lines).join(', ') || 'none'}`,
      );
      scenario.saw(
        `exit ${code ?? 'none (still running 60 s after the link came back)'}; ${epochsOf(lines).length} of 20 epochs; final state ${finalStateOf(lines) ?? 'none'}`,
      );
      // Each promise of the contract on its own, so the record lists every one that fails.
      const soft = context.expect.soft;
      softUnreachable(soft, unreachable, downAt);
      soft(back?.text ?? '(no such line)', 'a stderr line').toMatch(/^Worker w1 is back/);
      const statuses = connectionStatusesOf(lines);
      soft(statuses, 'connection lines on stdout').toContain('unreachable');
      soft(statuses.at(-1), 'the last connection line').toBe('connected');
      expect(code, tail(train.lines)).toBe(0);
      expectCompletedOnce(lines, 20);
    });
  }, 180_000);

  it('down for 60 s: past --wait-for-worker the client says it lost contact (exit 3); a later attach shows every epoch once', async (context) => {
    const scenario = recordFault(context, {
      id: 'd-link-down-60s',
      group: '1 link',
      fault: 'link down for 60 s, mid-job',
      tried:
        '`train --profile paced --json --heartbeat-timeout 5 --wait-for-worker 30`, 20 epochs of ~1 s; the link cut after epoch 3; after it is back, `attach JOB --json`',
    });
    await withFaultLab({ epochPauseMs: 1000 }, async (lab) => {
      const train = trainPaced(
        lab,
        'd.json',
        20,
        '--json',
        '--heartbeat-timeout',
        '5',
        '--wait-for-worker',
        '30',
      );
      const jobId = await waitForEpoch(train, 3);
      await lab.net.down();
      const downAt = clockOf(train);
      const ended = await train.exitWithin(55_000);
      await sleep(Math.max(0, downAt + 60_000 - clockOf(train)));
      await lab.net.up();
      if (ended === undefined) train.kill('SIGKILL');
      const lines = parseNdjson(train.stdout());
      const unreachable = lineAfter(train, /^Worker w1 is unreachable/, 0, 'stderr');
      const lost = lineAfter(train, /^Lost contact with worker w1/);
      const { attach, history: attached } = await attachJob(lab, jobId);
      scenario.measure('unreachable after s', secondsAfter(unreachable, downAt));
      scenario.measure('train exited after s', secondsAfter(ended, downAt));
      scenario.measure('train exit code', ended?.code ?? 'none');
      scenario.measure('attach exit code', attach.code ?? 'none');
      scenario.measure('stderr lines', train.lines.filter((l) => l.stream === 'stderr').length);
      measureConnectionLines(scenario, train, downAt);
      scenario.saw(`connection lines: ${connectionStatusesOf(lines).join(', ') || 'none'}`);
      scenario.saw(
        `train: ${ended === undefined ? 'still running after 55 s of link-down (killed)' : `exit ${ended.code}`}; ${lost === undefined ? 'no "Lost contact" line' : `"${lost.text}"`}`,
      );
      scenario.saw(
        `attach: exit ${attach.code}; ${epochsOf(attached).length} of 20 epochs; final state ${finalStateOf(attached) ?? 'none'}`,
      );
      const soft = context.expect.soft;
      softUnreachable(soft, unreachable, downAt);
      soft(lost?.text ?? '(no such line)', 'a line').toMatch(/^Lost contact with worker w1/);
      soft(connectionStatusesOf(lines), 'connection lines on stdout').toContain('unreachable');
      soft(connectionStatusesOf(lines).at(-1), 'the last connection line').toBe('lost');
      soft(ended?.code, 'train exit code after --wait-for-worker').toBe(3);
      soft(ended === undefined ? Infinity : ended.at - downAt, 'train ended after').toBeGreaterThan(
        25_000,
      );
      expect(attach.code, attach.stderr).toBe(0);
      expectCompletedOnce(attached, 20);
    });
  }, 180_000);
  it('link down for 45 s mid-upload: the upload resumes from its offset and the hash matches', async (context) => {
    const scenario = recordFault(context, {
      id: 'e2-upload-link-down-45s',
      group: '2 upload',
      fault: 'link down for 45 s in the middle of an upload (link capped at 1.5 MB/s)',
      tried:
        '`train --upload blob=FILE` with 12 MiB of random bytes, cut at ≥ 25 %; then (if it gave up, or hung for 60 s after the link came back) the same command again',
    });
    await withFaultLab({ epochPauseMs: 100 }, async (lab) => {
      const bytes = randomBytes(12 * 1024 * 1024);
      const file = join(lab.dir, 'big.bin');
      writeFileSync(file, bytes);
      await lab.net.set({ rateBytesPerSec: 1_500_000 });
      const first = lab.client(trainWithUpload(lab, file));
      const cutAt = await first.waitForLine(/^Uploading [^\n]*?: (2[5-9]|[3-8]\d)% of/, {
        stream: 'stdout',
        timeoutMs: 60_000,
      });
      // "Mid-upload" means the worker holds part of the file: the client's percentage counts
      // bytes handed to its transport, which can run ahead of what has arrived.
      for (let waited = 0; waited < 30_000; waited += 50) {
        if ((uploadedFiles(lab).find((f) => f.path.includes('.partial'))?.size ?? 0) > 0) break;
        await sleep(50);
      }
      await lab.net.down();
      const downAt = clockOf(first);
      await sleep(45_000);
      const partial = uploadedFiles(lab).find((f) => f.path.includes('.partial'));
      await lab.net.up();
      const upAt = clockOf(first);
      const ended = await first.exitWithin(60_000);
      scenario.measure('cut at %', Number(/(\d+)%/.exec(cutAt.text)?.[1]));
      scenario.measure('partial bytes on the worker', partial?.size ?? 0);
      scenario.measure('first run exit code', ended?.code ?? 'none');
      scenario.saw(
        `first run: ${ended === undefined ? 'still running 60 s after the link came back' : `exit ${ended.code} ${((ended.at - downAt) / 1000).toFixed(1)} s after the cut (the link was down for 45 s)`}`,
      );
      const soft = context.expect.soft;
      const said = first.stderr();
      const firstWord = first.lines.find((l) => l.stream === 'stderr' && l.text.trim() !== '');
      if (firstWord !== undefined)
        scenario.measure('first run spoke at s after the cut', (firstWord.at - downAt) / 1000);
      if (said.trim() !== '')
        scenario.saw(`it said: ${said.trim().split('\n').slice(-2).join(' / ').slice(0, 300)}`);
      soft(
        ended,
        `still running 60 s after the link came back:\n${tail(first.lines)}`,
      ).toBeDefined();
      let finalCode = ended?.code ?? null;
      if (ended === undefined) first.kill('SIGKILL');
      if (ended?.code !== 0) {
        // It gave up (or hung): it must have said why, and that the same command resumes.
        if (ended !== undefined) soft(ended.code, 'exit code of the first run').toBe(3);
        soft(said, 'what the first run said').toMatch(/again|resume/i);
        const second = lab.client(trainWithUpload(lab, file));
        const { code } = await second.exited;
        finalCode = code;
        const resumedFrom = uploadPercents(second.stdout())[0];
        scenario.measure('second run starts at %', resumedFrom ?? 'no upload line');
        scenario.saw(`the same command again: exit ${code}, upload from ${resumedFrom ?? '?'} %`);
        expect(code, tail(second.lines)).toBe(0);
        expect(resumedFrom).toBeGreaterThan(0);
      } else {
        scenario.saw('it waited for the link and finished the upload itself');
      }
      await lab.net.set({ rateBytesPerSec: 0 });
      scenario.measure('link down s', (upAt - downAt) / 1000);
      expect(finalCode).toBe(0);
      expect(partial?.size ?? 0).toBeGreaterThan(0);
      const stored = uploadedFiles(lab).find(
        (f) => !f.path.includes('.partial') && f.size === bytes.length,
      );
      expect(stored).toBeDefined();
      expect(sha256(readFileSync(stored!.path))).toBe(sha256(bytes));
    });
  }, 300_000);
});
