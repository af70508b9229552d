import { describe, expect, it } from 'vitest';
import { SlurmSettingsSchema } from '../../config/SlurmSettings.js';
import { sbatchJob } from './sbatchJob.js';
import { describeEnding, describePending, parseSacct, parseSqueue, phaseOf } from './slurmJobs.js';

// squeue and sacct output as Slurm 22.05 prints it (captured from the test cluster).
const SQUEUE = [
  '2|trainwire-a|PENDING|JobHeldUser|0||UNLIMITED|',
  '1|trainwire-b|FAILED|NonZeroExitCode|768|vm|UNLIMITED|',
  '9|trainwire-c|CANCELLED|None|15|vm|UNLIMITED|',
  '3|trainwire-d|TIMEOUT|TimeLimit|15|vm|1:00|',
  '',
].join('\n');

describe('reading Slurm', () => {
  it('parses squeue: states, reasons, nodes, and the raw wait status as a code or a signal', () => {
    const jobs = parseSqueue(SQUEUE);
    expect(jobs.get('2')).toMatchObject({ state: 'PENDING', reason: 'JobHeldUser', nodes: '' });
    expect(jobs.get('1')?.exit).toEqual({ code: 3, signal: null });
    expect(jobs.get('9')?.exit).toEqual({ code: null, signal: 15 });
    expect(jobs.get('3')).toMatchObject({ state: 'TIMEOUT', timeLimit: '1:00', nodes: 'vm' });
  });

  it('parses sacct: "CANCELLED by 0", ExitCode N:S', () => {
    const jobs = parseSacct(
      '41|trainwire-x|CANCELLED by 0|None|0:15|gpu-07|12:00:00\n42|trainwire-y|NODE_FAIL|None|1:0|gpu-08|12:00:00\n',
    );
    expect(jobs.get('41')).toMatchObject({ state: 'CANCELLED', exit: { code: null, signal: 15 } });
    expect(jobs.get('42')).toMatchObject({ state: 'NODE_FAIL', nodes: 'gpu-08' });
  });

  it('tells queued, running and ended apart', () => {
    expect(['PENDING', 'REQUEUE_HOLD', 'SUSPENDED'].map(phaseOf)).toEqual([
      'queued',
      'queued',
      'queued',
    ]);
    expect(['RUNNING', 'CONFIGURING', 'COMPLETING'].map(phaseOf)).toEqual([
      'running',
      'running',
      'running',
    ]);
    expect(['COMPLETED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED'].map(phaseOf)).toEqual([
      'ended',
      'ended',
      'ended',
      'ended',
    ]);
  });

  it('says why a job pends, in words, with what to do when it never would start', () => {
    const job = parseSqueue(SQUEUE).get('2')!;
    expect(describePending({ ...job, reason: 'Resources' })).toBe(
      'Slurm job 2 is pending (Resources): the resources it asks for are in use; it starts when they free up',
    );
    expect(describePending({ ...job, reason: 'Priority' })).toContain('higher priority');
    expect(describePending(job)).toContain('scontrol release 2');
    expect(describePending({ ...job, reason: 'PartitionTimeLimit' })).toContain(
      'lower slurm.timeLimit',
    );
    expect(describePending({ ...job, reason: 'SomethingNew' })).toBe(
      'Slurm job 2 is pending (SomethingNew)',
    );
  });

  it('ends a job that Slurm ended with Slurm’s words: time limit, node failure, preemption, a foreign scancel', () => {
    const base = parseSqueue(SQUEUE).get('3')!;
    const none = { cancel: false, stop: false };
    expect(describeEnding(base, none).endedBy).toMatchObject({
      summary: expect.stringContaining(
        'reached its Slurm time limit (1:00; job 3 on vm, TimeLimit)',
      ),
      details: {
        slurmJobId: '3',
        slurmState: 'TIMEOUT',
        slurmReason: 'TimeLimit',
        slurmNodes: 'vm',
      },
    });
    expect(
      describeEnding({ ...base, state: 'NODE_FAIL', reason: 'None' }, none).endedBy?.summary,
    ).toBe('lost its node: Slurm reports NODE_FAIL for job 3 on vm');
    expect(describeEnding({ ...base, state: 'PREEMPTED' }, none).endedBy?.summary).toContain(
      'preempted',
    );
    expect(describeEnding({ ...base, state: 'CANCELLED' }, none).endedBy?.summary).toContain(
      'not through trainwire',
    );
    // What the trainer did itself, or what the worker asked for, is not Slurm's doing.
    expect(
      describeEnding({ ...base, state: 'CANCELLED' }, { cancel: true, stop: false }).endedBy,
    ).toBeUndefined();
    const failed = parseSqueue(SQUEUE).get('1')!;
    expect(describeEnding(failed, none)).toEqual({ code: 3, signal: null });
  });
});

describe('the sbatch call', () => {
  const request = {
    jobId: 'j1',
    argv: ['node', "/opt/it's/main.js", 'train'],
    cwd: '/data/runs/j1',
    runDir: '/data/100%/runs/j1',
    umask: 0o77,
  };

  it('asks for GPUs (--gres) only for a GPU job, and puts the operator’s options last', () => {
    const settings = SlurmSettingsSchema.parse({
      partition: 'gpu',
      account: 'lab',
      timeLimit: '2:00:00',
      gpusPerJob: 2,
      gpuType: 'a100',
      gpu: { name: 'A100', memoryMiB: 40960 },
      sbatchOptions: ['--qos=high'],
    });
    const gpuJob = sbatchJob(settings, { ...request, device: 'cuda' });
    expect(gpuJob.args).toEqual([
      '--parsable',
      '--job-name=trainwire-j1',
      '--output=/data/100%%/runs/j1/slurm-%j.out',
      '--error=/data/100%%/runs/j1/slurm-%j.err',
      '--chdir=/data/runs/j1',
      '--export=ALL',
      '--no-requeue',
      '--nodes=1',
      '--ntasks=1',
      '--partition=gpu',
      '--account=lab',
      '--time=2:00:00',
      '--gres=gpu:a100:2',
      '--qos=high',
      '/data/100%/runs/j1/slurm-job.sh',
    ]);
    expect(gpuJob.script).toContain(`umask 077\nexec 'node' '/opt/it'\\''s/main.js' 'train'`);
    expect(gpuJob.outputPaths('17').stdout).toBe('/data/100%/runs/j1/slurm-17.out');
    expect(
      sbatchJob(settings, { ...request, device: 'cpu' }).args.some((a) => a.startsWith('--gres')),
    ).toBe(false);
  });
});
