import { describe, expect, it } from 'vitest';
import { formatFieldIssues, toFieldIssues } from '../errors.js';
import { JobEventSchema } from '../schemas/JobEvent.js';
import { JobIdSchema } from '../schemas/JobId.js';
import { METHODS } from './methods.js';

const escaping = ['../../escape', '..', '.hidden', 'a/b', 'a\\b', '-rf', 'x\0y', ''];

describe('job ids', () => {
  it('refuses an id that would leave the worker data dir, naming the field', () => {
    const requests = [
      ['job.attach', { jobId: '../../escape', afterSeq: 0 }],
      ['job.events', { jobId: '../../escape', afterSeq: 0 }],
      ['job.stop', { jobId: '../../escape' }],
      ['job.cancel', { jobId: '../../escape' }],
    ] as const;
    for (const [method, params] of requests) {
      const parsed = METHODS[method].params.safeParse(params);
      expect(parsed.success).toBe(false);
      if (parsed.success) continue;
      expect(formatFieldIssues(toFieldIssues(parsed.error))).toBe(
        'jobId: a job id is letters, digits, ".", "_" and "-", starting with a letter or digit',
      );
    }
    const start = METHODS['job.start'].params.safeParse({
      jobId: '../../escape',
      spec: { profile: 'builtin' },
    });
    expect(start.success).toBe(false);
    if (!start.success) expect(toFieldIssues(start.error).map((i) => i.path)).toEqual(['jobId']);
  });

  it('refuses ids that are not one plain path segment', () => {
    for (const id of escaping) expect(JobIdSchema.safeParse(id).success, id).toBe(false);
    expect(JobIdSchema.safeParse('x'.repeat(129)).success).toBe(false);
  });

  it('accepts the ids clients make and tests use', () => {
    for (const id of ['j1', 'job-1', 'job-lq2x9k-0a1b2c3', 'shared-job', 'r1', 'long', 'v1.2_x']) {
      expect(JobIdSchema.parse(id)).toBe(id);
    }
    expect(JobIdSchema.parse('x'.repeat(128))).toHaveLength(128);
  });

  it('refuses an event whose job id would escape', () => {
    const event = { jobId: '../j1', seq: 1, ts: 0, type: 'log', stream: 'stdout', line: 'x' };
    const parsed = JobEventSchema.safeParse(event);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(toFieldIssues(parsed.error).map((i) => i.path)).toEqual(['jobId']);
  });
});
