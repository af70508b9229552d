import { isTrainwireError } from '../errors.js';
import type { JobEvent } from '../schemas/JobEvent.js';
import { isFinalJobState } from '../schemas/JobState.js';
import type { ConformanceCheck } from './conformance.js';
import { type ConformanceContext, ConformanceFailure, expectThat } from './conformanceContext.js';

/** The job's events as the worker pushed them, or a failure when `job.start` did not run. */
function eventsOf(ctx: ConformanceContext): { jobId: string; events: JobEvent[] } {
  const { jobId, events } = ctx.state;
  if (jobId === undefined || events === undefined)
    throw new ConformanceFailure('no job ran (see job.start)');
  return { jobId, events };
}

/** Fails unless `events` are seq 1..n of `jobId`, each once, in order. */
function expectComplete(events: readonly JobEvent[], jobId: string, what: string): void {
  events.forEach((event, index) => {
    expectThat(event.jobId === jobId, `${what}: event ${index} is of job ${event.jobId}`);
    expectThat(
      event.seq === index + 1,
      `${what}: expected seq ${index + 1} at position ${index}, got ${event.seq} (seqs: ${events
        .map((e) => e.seq)
        .join(',')
        .slice(0, 200)})`,
    );
  });
}

const isFinal = (event: JobEvent) => event.type === 'state' && isFinalJobState(event.state);

/** Checks of a job's life: start, events (pushed and paged), attach, list, stop, cancel. */
export const JOB_CHECKS: readonly ConformanceCheck[] = [
  {
    id: 'job.start.refusals',
    title:
      'job.start refuses an unknown profile (unknown_profile) and a bad config (config_invalid)',
    async run(ctx) {
      const jobId = `conf-refused-${Date.now().toString(36)}`;
      await ctx.refused(
        'job.start',
        { jobId, spec: { profile: 'conformance-no-such-profile' } },
        'unknown_profile',
      );
      const bad = ctx.settings.invalidConfig;
      if (bad !== undefined) {
        const error = await ctx.refused(
          'job.start',
          { jobId, spec: { ...ctx.settings.job, config: bad } },
          'config_invalid',
        );
        expectThat(
          Array.isArray(error.details?.issues),
          'config_invalid carries no details.issues',
        );
      }
      await ctx.refused('job.attach', { jobId }, 'unknown_job');
    },
  },
  {
    id: 'job.start',
    title:
      'job.start runs the job; its events are pushed once each, in seq order, from starting to a final state',
    async run(ctx) {
      const jobId = `conf-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
      const spec = ctx.settings.job;
      const started = await ctx.call('job.start', { jobId, spec });
      expectThat(started.jobId === jobId, `the answer names job ${started.jobId}`);
      const mine = () => ctx.pushed.filter((e) => e.jobId === jobId);
      await ctx.until(
        () => mine().some(isFinal),
        `for job ${jobId} to end`,
        ctx.settings.jobTimeoutMs,
      );
      // Nothing may follow the final state: wait a moment for strays.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const events = mine();
      expectComplete(events, jobId, 'pushed events');
      expectThat(
        started.lastSeq <= events.length,
        `lastSeq ${started.lastSeq} is past the ${events.length} events the job had`,
      );
      const first = events[0];
      expectThat(
        first?.type === 'state' && first.state === 'starting',
        `the first event is ${JSON.stringify(first)?.slice(0, 120)}, not state starting`,
      );
      const last = events[events.length - 1]!;
      expectThat(isFinal(last), 'the last event is not a final state');
      expectThat(events.filter(isFinal).length === 1, 'more than one final state');
      const states = events.filter((e) => e.type === 'state').map((e) => e.state);
      for (const own of ['queued', 'validating', 'uploading'] as const) {
        expectThat(!states.includes(own), `the worker emitted ${own}, a state of the client's own`);
      }
      ctx.state.jobId = jobId;
      ctx.state.spec = spec;
      ctx.state.events = events;
    },
  },
  {
    id: 'job.start.idempotent',
    title:
      'job.start of a known job id with the same spec only subscribes; with another spec it is job_conflict',
    async run(ctx) {
      const { jobId, events } = eventsOf(ctx);
      const before = ctx.pushed.length;
      const again = await ctx.call('job.start', { jobId, spec: ctx.state.spec! });
      expectThat(again.jobId === jobId, `the answer names job ${again.jobId}`);
      expectThat(
        again.lastSeq === events.length,
        `lastSeq is ${again.lastSeq}, the job has ${events.length} events`,
      );
      expectThat(isFinalJobState(again.state), `state is ${again.state}; the job had ended`);
      expectThat(ctx.pushed.length === before, 'starting it again pushed events');
      const other = { ...ctx.state.spec!, name: 'conformance-other-spec' };
      await ctx.refused('job.start', { jobId, spec: other }, 'job_conflict');
    },
  },
  {
    id: 'job.events',
    title: 'job.events pages the stored events: afterSeq < seq ≤ untilSeq, asked again while more',
    async run(ctx) {
      const { jobId, events } = eventsOf(ctx);
      const all: JobEvent[] = [];
      let after = 0;
      for (let page = 0; page < 10_000; page++) {
        const got = await ctx.call('job.events', { jobId, afterSeq: after });
        all.push(...got.events);
        const last = got.events[got.events.length - 1];
        if (!got.more) break;
        expectThat(last !== undefined, 'a page with more: true but no events');
        after = last.seq;
      }
      expectComplete(all, jobId, 'job.events');
      expectThat(
        JSON.stringify(all) === JSON.stringify(events),
        'job.events differ from the pushed events',
      );
      const window = await ctx.call('job.events', { jobId, afterSeq: 1, untilSeq: 2 });
      expectThat(
        window.events.length === 1 && window.events[0]?.seq === 2 && !window.more,
        `afterSeq 1, untilSeq 2 gave seqs ${window.events.map((e) => e.seq).join(',')} (more: ${window.more})`,
      );
      const past = await ctx.call('job.events', { jobId, afterSeq: events.length });
      expectThat(past.events.length === 0 && !past.more, 'events past the last seq');
    },
  },
  {
    id: 'job.attach',
    title: 'job.attach with afterSeq pushes every later event once, in order; without, nothing old',
    async run(ctx) {
      const { jobId, events } = eventsOf(ctx);
      const from = Math.min(2, events.length - 1);
      const before = ctx.pushed.length;
      const attached = await ctx.call('job.attach', { jobId, afterSeq: from });
      expectThat(attached.lastSeq === events.length, `lastSeq is ${attached.lastSeq}`);
      expectThat(
        JSON.stringify(attached.spec.profile) === JSON.stringify(ctx.state.spec!.profile),
        'the spec differs from the one started',
      );
      const replayed = () => ctx.pushed.slice(before).filter((e) => e.jobId === jobId);
      await ctx.until(
        () => replayed().length >= events.length - from,
        `for the events after seq ${from}`,
        ctx.settings.requestTimeoutMs,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const got = replayed();
      expectThat(
        got.map((e) => e.seq).join(',') ===
          events
            .slice(from)
            .map((e) => e.seq)
            .join(','),
        `after afterSeq ${from} came seqs ${got.map((e) => e.seq).join(',')}`,
      );
      const quiet = ctx.pushed.length;
      await ctx.call('job.attach', { jobId });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expectThat(ctx.pushed.length === quiet, 'attach without afterSeq pushed old events');
    },
  },
  {
    id: 'job.list',
    title: 'job.list shows the job with its state and lastSeq',
    async run(ctx) {
      const { jobId, events } = eventsOf(ctx);
      const { jobs } = await ctx.call('job.list', {});
      const job = jobs.find((j) => j.jobId === jobId);
      expectThat(job !== undefined, `job.list does not show ${jobId}`);
      const last = events[events.length - 1]!;
      expectThat(
        last.type === 'state' && job.state === last.state,
        `job.list says ${job.state}; its last event says otherwise`,
      );
      expectThat(job.lastSeq === events.length, `lastSeq is ${job.lastSeq}`);
      expectThat(job.profile === ctx.state.spec!.profile, `profile is ${job.profile}`);
    },
  },
  {
    id: 'job.stop-cancel',
    title: 'job.stop and job.cancel of an ended job answer its final state and push nothing',
    async run(ctx) {
      const { jobId, events } = eventsOf(ctx);
      const final = events[events.length - 1]! as JobEvent & { type: 'state' };
      const before = ctx.pushed.length;
      for (const method of ['job.stop', 'job.cancel'] as const) {
        const answer = await ctx.call(method, { jobId }).catch((error: unknown) => {
          throw new ConformanceFailure(
            `${method} failed: ${isTrainwireError(error) ? `${error.code} ${error.message}` : String(error)}`,
          );
        });
        expectThat(answer.state === final.state, `${method} answered ${answer.state}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      expectThat(ctx.pushed.length === before, 'stopping an ended job pushed events');
    },
  },
];
