import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FaultLab, withFaultLab } from './faultLab.js';
import { recordFault } from './faultRecord.js';
import {
  attachJob,
  checkpointEpochOf,
  clockOf,
  epochsAndState,
  expectCompletedOnce,
  expectEveryEventOnce,
  printedResume,
  secondsAfter,
  sleep,
  stderrLineWithin,
  trainPaced,
  waitForCheckpoint,
  waitForEpoch,
  workerCheckpointEpoch,
} from './faultSteps.js';
import {
  epochsOf,
  finalStateOf,
  type JsonLine,
  jobEventsOf,
  parseNdjson,
  range,
} from './jobEvents.js';
import { isAlive } from './netLab.js';
import { tail } from './trackedProcess.js';

/** The only job of a fresh lab's worker, from its runs folder. */
function onlyJobId(lab: FaultLab): string {
  const runs = readdirSync(join(lab.workerDataDir, 'runs'));
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

// Each scenario has a lab of its own, so they run side by side.
describe.concurrent('fault: a process dies mid-job', () => {
  it('worker kill -9: the client says it is unreachable; after a restart with the same data dir the history, last checkpoint and resume command survive', async (context) => {
    const scenario = recordFault(context, {
      id: 'f-worker-kill-9',
      group: '3 process',
      fault: '`kill -9` of the worker mid-job, restarted 5 s later with the same data dir',
      tried:
        '`train --profile paced --heartbeat-timeout 5`, 20 epochs of ~1 s, worker killed after epoch 4; then `attach JOB --json`, and the printed resume command',
    });
    await withFaultLab({ epochPauseMs: 1000 }, async (lab) => {
      const train = trainPaced(lab, 'f.json', 20, '--heartbeat-timeout', '5');
      await train.waitForLine(/^Epoch 4\/20/, { stream: 'stdout', timeoutMs: 60_000 });
      const jobId = onlyJobId(lab);
      // Once epoch 4's checkpoint is on disk.
      await waitForCheckpoint(lab, jobId, 4);
      const pidFile = join(lab.workerDataDir, 'runs', jobId, 'trainer.pid');
      const trainerPid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined;
      lab.worker.kill('SIGKILL');
      await lab.worker.exited;
      const killedAt = clockOf(train);
      const unreachable = await stderrLineWithin(train, /^Worker w1 is unreachable/, 20_000);
      await sleep(Math.max(0, killedAt + 5_000 - clockOf(train)));
      const epochAtRestart = workerCheckpointEpoch(lab, jobId);
      await lab.startWorker();
      const restartedAt = clockOf(train);
      const orphanAlive = trainerPid !== undefined && isAlive(trainerPid);
      const back = await stderrLineWithin(train, /^Worker w1 is back/, 40_000);
      const ended = await train.exitWithin(60_000);
      if (ended === undefined) train.kill('SIGKILL');
      scenario.measure('unreachable after s', secondsAfter(unreachable, killedAt));
      scenario.measure('back after restart, s', secondsAfter(back, restartedAt));
      scenario.measure('epochs done at restart (last.json)', epochAtRestart ?? 'none');
      scenario.measure('old trainer alive after restart', orphanAlive ? 'yes' : 'no');
      scenario.measure('train exit code', ended?.code ?? 'none');
      scenario.saw(
        `client: ${unreachable === undefined ? 'no "unreachable" line' : `"${unreachable.text}"`}; ${back === undefined ? 'no "is back" line' : `"${back.text}"`}; ${ended === undefined ? 'still running 60 s after the restart' : `exit ${ended.code}`}`,
      );

      const { attach, history, events, epochs } = await attachJob(lab, jobId);
      scenario.saw(`attach after the restart: exit ${attach.code}, ${epochsAndState(history)}`);
      const resume = printedResume(train.stdout());
      let resumed: ReturnType<typeof parseNdjson> = [];
      let resumeCode: number | null = null;
      let checkpointEpoch: number | undefined;
      if (resume !== undefined) {
        checkpointEpoch = checkpointEpochOf(resume.checkpoint);
        scenario.measure('epochs in the resume checkpoint', checkpointEpoch);
        const run = await lab.clientRun([...resume.args, '--json']);
        resumeCode = run.code;
        resumed = parseNdjson(run.stdout);
        scenario.saw(
          `resume command: exit ${run.code}, epochs ${epochsOf(resumed)[0] ?? '-'}–${epochsOf(resumed).at(-1) ?? '-'}`,
        );
      } else scenario.saw('no resume command printed');

      expect(unreachable, tail(train.lines)).toBeDefined();
      expect(unreachable!.at - killedAt).toBeLessThan(15_000);
      expect(ended, tail(train.lines)).toBeDefined();
      // attach ends with the job's outcome: 1 for a job that failed.
      expect(attach.code, attach.stderr).toBe(1);
      expect(epochs.length).toBeGreaterThanOrEqual(4);
      expect(epochs).toEqual(range(0, epochs.length - 1));
      expectEveryEventOnce(events);
      expect(['failed', 'interrupted']).toContain(finalStateOf(history));
      expect(resume?.line, tail(train.lines)).toBeDefined();
      expect(resumeCode).toBe(0);
      // From the last checkpoint on disk (the trainer may have gone on after the worker died).
      expect(checkpointEpoch).toBeGreaterThanOrEqual(epochs.length);
      expect(epochsOf(resumed)).toEqual(range(checkpointEpoch!, 19));
    });
  }, 240_000);

  it('worker Ctrl-C mid-job: the client learns at once that the worker stopped its job (worker_stopped), and after a restart attach shows its history', async (context) => {
    const scenario = recordFault(context, {
      id: 'f3-worker-ctrl-c',
      group: '3 process',
      fault: 'Ctrl-C (SIGINT) to the worker mid-job',
      tried:
        '`train --profile paced --json`, 20 epochs of ~0.5 s, SIGINT to the worker after epoch 3; then the worker restarted and `attach JOB --json`',
    });
    await withFaultLab({ epochPauseMs: 500 }, async (lab) => {
      const train = trainPaced(lab, 'f3.json', 20, '--json');
      const jobId = await waitForEpoch(train, 3);
      lab.worker.kill('SIGINT');
      const stoppedAt = clockOf(train);
      const workerEnded = await lab.worker.exitWithin(20_000);
      const ended = await train.exitWithin(30_000);
      if (ended === undefined) train.kill('SIGKILL');
      const lines = parseNdjson(train.stdout());
      const last = jobEventsOf(lines).at(-1) as JsonLine | undefined;
      scenario.measure('worker exit code', workerEnded?.code ?? 'still running');
      scenario.measure('client ended after s', secondsAfter(ended, stoppedAt));
      scenario.measure('train exit code', ended?.code ?? 'none');
      scenario.saw(
        `client: ${ended === undefined ? 'still running 30 s after the worker stopped' : `exit ${ended.code}`}; last event: ${last === undefined ? 'none' : `${last.type} ${last.state ?? ''} ${last.error?.code ?? ''}`}`,
      );
      await lab.startWorker();
      const { attach, history, epochs } = await attachJob(lab, jobId);
      scenario.saw(`attach after the restart: exit ${attach.code}, ${epochsAndState(history)}`);
      expect(workerEnded, tail(lab.worker.lines)).toBeDefined();
      expect(ended, tail(train.lines)).toBeDefined();
      expect(ended!.code).toBe(1);
      expect(last?.type).toBe('state');
      expect(['failed', 'cancelled']).toContain(last?.state);
      expect(JSON.stringify(last)).toContain('worker_stopped');
      expect(epochs.length).toBeGreaterThanOrEqual(4);
      expect(epochs).toEqual(range(0, epochs.length - 1));
      expect(['failed', 'cancelled']).toContain(finalStateOf(history));
    });
  }, 120_000);

  it('trainer kill -9: the job fails with its last checkpoint and a resume command that works', async (context) => {
    const scenario = recordFault(context, {
      id: 'f2-trainer-kill-9',
      group: '3 process',
      fault: '`kill -9` of the trainer process mid-job',
      tried:
        '`train --profile paced`, 12 epochs of ~0.5 s, trainer killed after epoch 3; then the printed resume command',
    });
    await withFaultLab({ epochPauseMs: 500 }, async (lab) => {
      const train = trainPaced(lab, 'f2.json', 12);
      await train.waitForLine(/^Epoch 3\/12/, { stream: 'stdout', timeoutMs: 60_000 });
      const jobId = onlyJobId(lab);
      const trainerPid = Number(
        readFileSync(join(lab.workerDataDir, 'runs', jobId, 'trainer.pid'), 'utf8'),
      );
      // Inside the trainer's pause after the epoch, once its checkpoint is on disk.
      const epochAtKill = await waitForCheckpoint(lab, jobId, 3);
      process.kill(trainerPid, 'SIGKILL');
      const ended = await train.exitWithin(30_000);
      scenario.measure('epochs done at the kill (last.json)', epochAtKill ?? 'none');
      const out = train.stdout();
      const resume = printedResume(out);
      scenario.measure('train exit code', ended?.code ?? 'none');
      scenario.saw(
        `client: ${ended === undefined ? 'still running 30 s later' : `exit ${ended.code}`}; ${/Reached epoch [^\n]*/.exec(out)?.[0] ?? 'no "Reached epoch" line'}`,
      );
      expect(ended, tail(train.lines)).toBeDefined();
      expect(ended!.code).toBe(1);
      expect(out).toContain('Remote Training Failed');
      expect(resume?.line, out).toBeDefined();
      scenario.saw(`resume command: ${resume!.line.trim().replace(/.*(--resume \S+).*/, '$1')}`);
      const checkpointEpoch = checkpointEpochOf(resume!.checkpoint);
      scenario.measure('epochs in the resume checkpoint', checkpointEpoch);
      const resumed = await lab.clientRun([...resume!.args, '--json']);
      const epochs = epochsOf(parseNdjson(resumed.stdout));
      scenario.saw(
        `resume: exit ${resumed.code}, epochs ${epochs[0] ?? '-'}–${epochs.at(-1) ?? '-'}`,
      );
      expect(resumed.code, resumed.stderr).toBe(0);
      // It goes on from the last checkpoint on disk: the epochs it had, and no more.
      expect(checkpointEpoch).toBe(epochAtKill);
      expect(epochs).toEqual(range(checkpointEpoch, 11));
    });
  }, 120_000);

  it('client kill -9: the job goes on, and a new attach shows every epoch once', async (context) => {
    const scenario = recordFault(context, {
      id: 'g-client-kill-9',
      group: '3 process',
      fault: '`kill -9` of the client (`train`) mid-job',
      tried:
        '`train --profile paced --json`, 10 epochs of ~0.5 s, killed after epoch 3; then `attach JOB --json`',
    });
    await withFaultLab({ epochPauseMs: 500 }, async (lab) => {
      const train = trainPaced(lab, 'g.json', 10, '--json');
      const jobId = await waitForEpoch(train, 3);
      train.kill('SIGKILL');
      await train.exited;
      await sleep(1_000);
      const { attach, history, events, epochs } = await attachJob(lab, jobId);
      scenario.measure('events', events.length);
      scenario.saw(
        `attach: exit ${attach.code}, ${epochs.length} of 10 epochs, final state ${finalStateOf(history) ?? 'none'}`,
      );
      expect(attach.code, attach.stderr).toBe(0);
      expectCompletedOnce(history, 10);
    });
  }, 120_000);

  it('signaling server restart mid-job: the job goes on and the worker registers again', async (context) => {
    const scenario = recordFault(context, {
      id: 'h-signal-restart',
      group: '3 process',
      fault:
        '`kill -9` of the signaling server mid-job, restarted 3 s later (same port and data dir)',
      tried:
        '`train --profile paced --json`, 15 epochs of ~1 s, server killed after epoch 3; then `workers`',
    });
    await withFaultLab({ epochPauseMs: 1000 }, async (lab) => {
      const train = trainPaced(lab, 'h.json', 15, '--json');
      await waitForEpoch(train, 3);
      lab.signal.kill('SIGKILL');
      await lab.signal.exited;
      await sleep(3_000);
      const restarted = Date.now();
      await lab.startSignal();
      let listedAfter: number | undefined;
      for (let tries = 0; tries < 30 && listedAfter === undefined; tries++) {
        const listed = await lab.clientRun(['workers', '--json']);
        if (listed.code === 0 && listed.stdout.includes('"w1"'))
          listedAfter = Date.now() - restarted;
        else await sleep(1_000);
      }
      const ended = await train.exitWithin(60_000);
      const lines = parseNdjson(train.stdout());
      const events = jobEventsOf(lines);
      scenario.measure(
        'worker listed again after s',
        listedAfter === undefined ? 'never' : listedAfter / 1000,
      );
      scenario.measure('train exit code', ended?.code ?? 'none');
      scenario.saw(
        `train: ${ended === undefined ? 'still running' : `exit ${ended.code}`}, ${epochsOf(lines).length} of 15 epochs; worker ${listedAfter === undefined ? 'not listed again' : 'listed again'}`,
      );
      expect(ended, tail(train.lines)).toBeDefined();
      expect(ended!.code, tail(train.lines)).toBe(0);
      expect(epochsOf(lines)).toEqual(range(0, 14));
      expectEveryEventOnce(events);
      expect(listedAfter).toBeDefined();
    });
  }, 180_000);
});
