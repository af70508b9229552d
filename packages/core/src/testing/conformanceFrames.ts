import { PROTOCOL_VERSION } from '../protocol/frames.js';
import { WorkerInfoSchema } from '../schemas/WorkerInfo.js';
import type { ConformanceCheck } from './conformance.js';
import { expectThat } from './conformanceContext.js';

/** Checks of `worker.info`, of malformed frames, versions and params. */
export const FRAME_CHECKS: readonly ConformanceCheck[] = [
  {
    id: 'worker.info',
    title: 'worker.info answers a WorkerInfo',
    async run(ctx) {
      const info = await ctx.call('worker.info', {});
      expectThat(WorkerInfoSchema.safeParse(info).success, 'the answer is not a WorkerInfo');
      const protocol = info.versions.protocol;
      expectThat(
        protocol === undefined || protocol === String(PROTOCOL_VERSION),
        `versions.protocol is ${protocol}; this kit checks v${PROTOCOL_VERSION}`,
      );
    },
  },
  {
    id: 'frames.not-json',
    title: 'a frame that is not JSON gets a bad_frame error frame',
    async run(ctx) {
      for (const text of ['{not json', '[1,2]', '"text"', '{"v":1,"type":"teapot"}']) {
        const reply = await ctx.sendRaw(text, undefined);
        expectThat(reply !== undefined, `no error frame came back for ${text}`);
        expectThat(reply.code === 'bad_frame', `${text} was answered ${reply.code}, not bad_frame`);
        expectThat(reply.v === PROTOCOL_VERSION, `the error frame carries v ${reply.v}`);
      }
    },
  },
  {
    id: 'frames.bad-request',
    title: 'a request frame of the wrong shape gets bad_frame with its id as ref',
    async run(ctx) {
      const { id, text } = ctx.rawRequest('worker.info', {}, { method: 42 });
      const reply = await ctx.sendRaw(text, id);
      expectThat(reply?.type === 'error', 'no error frame came back');
      expectThat(reply.code === 'bad_frame', `answered ${reply.code}, not bad_frame`);
      expectThat(reply.ref === id, `ref is ${String(reply.ref)}, not the request's id ${id}`);
    },
  },
  {
    id: 'frames.version',
    title: 'a frame of another protocol version gets unsupported_version naming both versions',
    async run(ctx) {
      const { id, text } = ctx.rawRequest('worker.info', {}, { v: PROTOCOL_VERSION + 1 });
      const reply = await ctx.sendRaw(text, id);
      expectThat(reply?.type === 'error', 'no error frame came back');
      expectThat(
        reply.code === 'unsupported_version',
        `answered ${reply.code}, not unsupported_version`,
      );
      const message = String(reply.message);
      expectThat(
        message.includes(`v${PROTOCOL_VERSION}`) && message.includes(`v${PROTOCOL_VERSION + 1}`),
        `the message does not name both versions: ${message}`,
      );
    },
  },
  {
    id: 'frames.error-not-echoed',
    title: 'an error frame (even unreadable) is never answered',
    async run(ctx) {
      for (const frame of [
        { v: PROTOCOL_VERSION, type: 'error', code: 'bad_frame', message: 'conformance' },
        { v: PROTOCOL_VERSION + 1, type: 'error', code: 'x', message: 'conformance' },
        { v: PROTOCOL_VERSION, type: 'error', message: 'no code' },
      ]) {
        const reply = await ctx.sendRaw(JSON.stringify(frame), undefined, 300);
        expectThat(
          reply === undefined,
          `${JSON.stringify(frame)} was answered: ${JSON.stringify(reply)}`,
        );
      }
    },
  },
  {
    id: 'params.required',
    title: 'a request without params is answered bad_params',
    async run(ctx) {
      const { id, text } = ctx.rawRequest('job.list', undefined);
      const reply = (await ctx.sendRaw(text, id)) as { ok?: boolean; error?: { code?: string } };
      expectThat(reply !== undefined, 'no answer');
      expectThat(
        reply.ok === false && reply.error?.code === 'bad_params',
        `answered ${JSON.stringify(reply).slice(0, 200)}, not bad_params`,
      );
    },
  },
  {
    id: 'params.strict',
    title: 'an unknown key in params is bad_params naming it',
    async run(ctx) {
      const error = await ctx.refused('worker.info', { extra: 1 } as never, 'bad_params');
      const issues = (error.details?.issues ?? []) as { path?: string }[];
      expectThat(issues.length > 0, 'details.issues is empty');
    },
  },
  {
    id: 'params.job-id',
    title: 'a job id that is not one path segment is bad_params on jobId',
    async run(ctx) {
      const error = await ctx.refused('job.stop', { jobId: '../escape' }, 'bad_params');
      const issues = (error.details?.issues ?? []) as { path?: string }[];
      expectThat(
        issues.some((issue) => issue.path === 'jobId'),
        `details.issues do not name jobId: ${JSON.stringify(issues)}`,
      );
    },
  },
  {
    id: 'methods.unknown',
    title: 'an unknown method is unknown_method',
    async run(ctx) {
      const { id, text } = ctx.rawRequest('job.teleport', {});
      const reply = (await ctx.sendRaw(text, id)) as { ok?: boolean; error?: { code?: string } };
      expectThat(
        reply?.ok === false && reply.error?.code === 'unknown_method',
        `answered ${JSON.stringify(reply).slice(0, 200)}, not unknown_method`,
      );
    },
  },
  {
    id: 'methods.unknown-job',
    title: 'job.attach, job.events, job.stop and job.cancel of an unknown job are unknown_job',
    async run(ctx) {
      const jobId = `conf-missing-${Date.now().toString(36)}`;
      await ctx.refused('job.attach', { jobId }, 'unknown_job');
      await ctx.refused('job.events', { jobId, afterSeq: 0 }, 'unknown_job');
      await ctx.refused('job.stop', { jobId }, 'unknown_job');
      await ctx.refused('job.cancel', { jobId }, 'unknown_job');
    },
  },
];
