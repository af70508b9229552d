import { isTrainwireError } from '../errors.js';
import type { Artifact } from '../schemas/Artifact.js';
import type { ConformanceCheck } from './conformance.js';
import { type ConformanceContext, ConformanceFailure, expectThat } from './conformanceContext.js';
import { sha256Hex } from './ScriptedWorker.js';

/** The job's artifacts (from its pushed events); fails when it produced none. */
function artifactsOf(ctx: ConformanceContext): Artifact[] {
  const events = ctx.state.events;
  if (events === undefined) throw new ConformanceFailure('no job ran (see job.start)');
  const artifacts = events.flatMap((e) => (e.type === 'artifact' ? [e.artifact] : []));
  expectThat(artifacts.length > 0, 'the job registered no artifact to download');
  return artifacts;
}

function parentOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

/** Bytes a file checked here holds: deterministic, not all alike. */
function pattern(size: number, salt: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + salt * 7 + (i >> 8)) & 0xff;
  return bytes;
}

const equalBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

/** Checks of downloads, uploads and the path methods. */
export const FILE_CHECKS: readonly ConformanceCheck[] = [
  {
    id: 'file.download',
    title:
      "file.download sends an artifact's bytes on its byte stream, matching size and SHA-256; resumes from offset",
    async run(ctx) {
      const artifact = artifactsOf(ctx).find((a) => a.kind === 'model') ?? artifactsOf(ctx)[0]!;
      const { result, bytes } = await ctx.download(artifact.path);
      expectThat(
        bytes.length === result.size,
        `${bytes.length} bytes came, size says ${result.size}`,
      );
      expectThat(
        result.size === artifact.size,
        `size ${result.size}, the artifact says ${artifact.size}`,
      );
      const digest = await sha256Hex(bytes);
      expectThat(digest === result.sha256, 'the bytes do not match the answered SHA-256');
      expectThat(
        artifact.sha256 === undefined || artifact.sha256 === digest,
        "the bytes do not match the artifact's SHA-256",
      );
      const half = Math.floor(bytes.length / 2);
      const rest = await ctx.download(artifact.path, half);
      expectThat(rest.result.offset === half, `offset answered ${rest.result.offset}`);
      expectThat(equalBytes(rest.bytes, bytes.subarray(half)), 'the resumed bytes differ');
    },
  },
  {
    id: 'file.download.errors',
    title:
      'file.download answers not_found, not_a_file, bad_offset and path_denied with their details',
    async run(ctx) {
      const artifact = artifactsOf(ctx)[0]!;
      const missing = `${parentOf(artifact.path)}/conformance-no-such-file.bin`;
      const transferId = 'conf-dl-error';
      const notFound = await ctx.refused(
        'file.download',
        { path: missing, transferId },
        'not_found',
      );
      expectThat(
        notFound.details?.path === missing,
        'not_found details.path is not the path asked',
      );
      await ctx.refused(
        'file.download',
        { path: parentOf(artifact.path), transferId },
        'not_a_file',
      );
      await ctx.refused(
        'file.download',
        { path: artifact.path, offset: artifact.size + 1, transferId },
        'bad_offset',
      );
      for (const path of ['relative/file.bin', '/conformance-outside-every-mount/x.bin']) {
        const denied = await ctx.refused('file.download', { path, transferId }, 'path_denied');
        expectThat(
          typeof denied.details?.reason === 'string' && denied.details.path === path,
          'path_denied carries no details {path, reason}',
        );
      }
    },
  },
  {
    id: 'upload',
    title:
      'an upload (begin, byte stream, finish) is verified, then skipped when sent again, and downloads as sent',
    async run(ctx) {
      const bytes = pattern(200_000 + Math.floor(Math.random() * 1000), Date.now() % 251);
      const sha = await sha256Hex(bytes);
      const name = `conformance ${Date.now()}.bin`;
      const path = await ctx.upload(name, bytes);
      const again = await ctx.call('upload.begin', { name, size: bytes.length, sha256: sha });
      expectThat(
        again.have && again.path === path,
        'upload.begin of the same bytes is not have: true with the same path',
      );
      const { results } = await ctx.call('paths.check', { paths: [path], sha256: true });
      expectThat(
        results[0]?.exists === true &&
          results[0].size === bytes.length &&
          results[0].sha256 === sha,
        `paths.check of the upload says ${JSON.stringify(results[0])}`,
      );
      const back = await ctx.download(path);
      expectThat(equalBytes(back.bytes, bytes), 'the upload downloads with other bytes');
      ctx.state.upload = { path, sha256: sha, size: bytes.length };
    },
  },
  {
    id: 'upload.resume',
    title: 'an upload cut off midway resumes from the offset upload.begin answers',
    async run(ctx) {
      const bytes = pattern(150_000, (Date.now() + 1) % 251);
      const sha = await sha256Hex(bytes);
      const name = `conformance-resume-${Date.now()}.bin`;
      const begun = await ctx.call('upload.begin', { name, size: bytes.length, sha256: sha });
      expectThat(!begun.have && begun.offset === 0, 'a new upload does not start at 0');
      const half = 60_000;
      await ctx.sendBytes(begun.transferId, name, bytes, sha, 0, half);
      const resumed = await ctx.call('upload.begin', { name, size: bytes.length, sha256: sha });
      expectThat(
        !resumed.have && resumed.offset === half,
        `upload.begin after ${half} bytes answered ${JSON.stringify(resumed)}`,
      );
      await ctx.sendBytes(resumed.transferId, name, bytes, sha, half);
      const { path } = await ctx.call('upload.finish', { transferId: resumed.transferId });
      const back = await ctx.download(path);
      expectThat(equalBytes(back.bytes, bytes), 'the resumed upload downloads with other bytes');
    },
  },
  {
    id: 'upload.refusals',
    title:
      'a corrupt upload is upload_corrupt, an unknown transfer unknown_transfer, an unannounced byte stream refused',
    async run(ctx) {
      const bytes = pattern(50_000, 3);
      const claimed = await sha256Hex(pattern(50_000, 4));
      const name = `conformance-corrupt-${Date.now()}.bin`;
      const begun = await ctx.call('upload.begin', { name, size: bytes.length, sha256: claimed });
      expectThat(!begun.have, 'upload.begin claims bytes nobody sent');
      await ctx.sendBytes(begun.transferId, name, bytes, claimed, begun.offset);
      await ctx.refused('upload.finish', { transferId: begun.transferId }, 'upload_corrupt');
      await ctx.refused(
        'upload.finish',
        { transferId: 'conf-no-such-transfer' },
        'unknown_transfer',
      );
      const refused = await ctx
        .sendBytes(`conf-unannounced-${Date.now()}`, 'x.bin', bytes, claimed, 0)
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expectThat(
        refused !== undefined,
        'a byte stream no upload.begin announced was taken (it must be refused)',
      );
      // The refusal ends that stream only: the link goes on.
      await ctx.call('worker.info', {}).catch((error: unknown) => {
        throw new ConformanceFailure(
          `after refusing the stream the worker no longer answers: ${isTrainwireError(error) ? error.code : String(error)}`,
        );
      });
    },
  },
  {
    id: 'paths',
    title: 'mounts.list, paths.list (paged), paths.check and paths.find describe the mounts',
    async run(ctx) {
      const { mounts } = await ctx.call('mounts.list', {});
      expectThat(mounts.length > 0, 'mounts.list lists no mount');
      for (const mount of mounts)
        expectThat(mount.path.startsWith('/'), `mount ${mount.name} has a relative path`);
      const artifact = artifactsOf(ctx)[0]!;
      const folder = parentOf(artifact.path);
      const names: string[] = [];
      let total = -1;
      for (let offset = 0; offset < 10_000; ) {
        const page = await ctx.call('paths.list', { path: folder, offset, limit: 1 });
        expectThat(page.entries.length <= 1, `limit 1 gave ${page.entries.length} entries`);
        total = page.total;
        names.push(...page.entries.map((e) => e.name));
        offset += page.entries.length;
        if (!page.more) break;
        expectThat(page.entries.length === 1, 'a page with more: true but no entries');
      }
      expectThat(
        names.length === total,
        `paging gave ${names.length} entries, total says ${total}`,
      );
      expectThat(new Set(names).size === names.length, 'paging repeated an entry');
      const file = artifact.path.slice(artifact.path.lastIndexOf('/') + 1);
      expectThat(names.includes(file), `paths.list of ${folder} does not show ${file}`);
      const missing = `${folder}/conformance-no-such-file.bin`;
      const { results } = await ctx.call('paths.check', {
        paths: [artifact.path, missing, 'relative/x'],
      });
      expectThat(results[0]?.exists === true, 'paths.check does not find the artifact');
      expectThat(
        results[1]?.exists === false && results[1].denied === undefined,
        'a missing file is not exists: false',
      );
      expectThat(typeof results[2]?.denied === 'string', 'a relative path is not denied');
      const upload = ctx.state.upload;
      if (upload !== undefined) {
        const uploadName = upload.path.slice(upload.path.lastIndexOf('/') + 1);
        const found = await ctx.call('paths.find', { name: uploadName, maxResults: 50 });
        expectThat(
          found.results.every((r) => r.path.endsWith(`/${uploadName}`)),
          'paths.find answered files of another name',
        );
        expectThat(
          found.results.some((r) => r.path === upload.path && r.size === upload.size),
          `paths.find does not find the upload ${upload.path}`,
        );
      }
    },
  },
];
