import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { workerConnect } from '../../test/workerConnect.js';
import { COMMANDS } from '../commands.js';
import { parseCommandArgs } from '../internal/args.js';
import { fetchCommand } from './fetch.js';
import { trainCommand } from './train.js';

const args = (name: string, ...argv: string[]) =>
  parseCommandArgs(COMMANDS.find((c) => c.name === name)!, argv);
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('trainwire fetch against a real worker', () => {
  let env: Awaited<ReturnType<typeof workerConnect>>;
  let jobId: string;
  beforeAll(async () => {
    env = await workerConnect();
    const t = fakeIo();
    expect(
      await trainCommand(args('train', '--preset', 'quick', '--epochs', '3', '--json'), t.io, env),
    ).toBe(0);
    jobId = JSON.parse(t.out().split('\n')[0]!).jobId;
  });
  afterAll(() => env.close());

  it('brings the model back, identical, and skips it when it is already here', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tw-fetch-'));
    const t = fakeIo();
    expect(await fetchCommand(args('fetch', jobId, '--out', out, '--json'), t.io, env)).toBe(0);
    const fetched = t
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(fetched).toHaveLength(1);
    expect(fetched[0]).toMatchObject({ kind: 'model', skipped: false });
    expect(sha(fetched[0].to)).toBe(sha(fetched[0].from));
    const again = fakeIo();
    expect(await fetchCommand(args('fetch', jobId, '--out', out), again.io, env)).toBe(0);
    expect(again.out()).toContain('is already here (same SHA-256)');
  });

  it('resumes a broken download from its .part file, and fetches every checkpoint with --kind checkpoint', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tw-fetch-'));
    const first = fakeIo();
    await fetchCommand(args('fetch', jobId, '--out', join(out, 'ref'), '--json'), first.io, env);
    const { from, to } = JSON.parse(first.out().trim());
    const whole = readFileSync(to);
    const name = to.split('/').pop();
    writeFileSync(join(out, `${name}.part`), whole.subarray(0, 50));
    const resumed = fakeIo();
    expect(await fetchCommand(args('fetch', jobId, '--out', out, '--json'), resumed.io, env)).toBe(
      0,
    );
    const result = JSON.parse(resumed.out().trim());
    expect(result.bytes).toBe(whole.length - 50);
    expect(sha(result.to)).toBe(sha(from));

    const checkpoints = fakeIo();
    expect(
      await fetchCommand(
        args('fetch', jobId, '--out', join(out, 'ckpt'), '--kind', 'checkpoint', '--json'),
        checkpoints.io,
        env,
      ),
    ).toBe(0);
    const names = checkpoints
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).to.split('/').pop());
    expect(names).toEqual(
      expect.arrayContaining(['last.json', 'epoch-0001.json', 'epoch-0003.json']),
    );
  });

  it('an --out it cannot write into is said in words naming --out; the errno stays in cause', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tw-fetch-')), 'a-file');
    writeFileSync(file, 'x');
    const error = await fetchCommand(
      args('fetch', jobId, '--out', join(file, 'models')),
      fakeIo().io,
      env,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      exitCode: 2,
      message: `cannot write into --out ${join(file, 'models')}: part of the path is a file, not a folder; pass --out a folder you can write to`,
      cause: { code: 'ENOTDIR' },
    });
  });

  it('an unknown job is exit 2; a bad --kind names the choices', async () => {
    await expect(fetchCommand(args('fetch', 'job-nope'), fakeIo().io, env)).rejects.toMatchObject({
      exitCode: 2,
    });
    await expect(
      fetchCommand(args('fetch', jobId, '--kind', 'weights'), fakeIo().io, env),
    ).rejects.toThrow(/--kind must be model, checkpoint/);
  });
});
