import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { workerConnect } from '../../test/workerConnect.js';
import { COMMANDS } from '../commands.js';
import { parseCommandArgs } from '../internal/args.js';
import { artifactsCommand } from './artifacts.js';
import { datasetsCommand } from './datasets.js';
import { experimentsCommand } from './experiments.js';
import { modelsCommand } from './models.js';
import { presetsCommand } from './presets.js';
import { trainCommand } from './train.js';

const args = (name: string, ...argv: string[]) =>
  parseCommandArgs(COMMANDS.find((c) => c.name === name)!, argv);
const ndjson = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

describe('artifacts, datasets, presets and fine-tune (a real worker over the memory transport)', () => {
  let lab: Awaited<ReturnType<typeof workerConnect>>;
  let jobId: string;
  beforeAll(async () => {
    lab = await workerConnect();
    const t = fakeIo();
    expect(
      await trainCommand(args('train', '--preset', 'quick', '--epochs', '2', '--json'), t.io, lab),
    ).toBe(0);
    jobId = ndjson(t.out())[0].jobId;
  });
  afterAll(() => lab.close());

  it('lists, gets (verified download), renames and deletes artifacts; a registered model is not deleted', async () => {
    const listed = fakeIo();
    expect(
      await artifactsCommand(
        args('artifacts', 'list', '--experiment', jobId, '--json'),
        listed.io,
        lab,
      ),
    ).toBe(0);
    const rows = ndjson(listed.out());
    const model = rows.find((a) => a.kind === 'model');
    const epoch = rows.find((a) => a.kind === 'checkpoint' && /epoch-0001/.test(a.path));
    expect(model).toBeDefined();
    expect(epoch).toBeDefined();

    const out = await mkdtemp(join(tmpdir(), 'tw-cli-art-'));
    const got = fakeIo();
    expect(
      await artifactsCommand(args('artifacts', 'get', model.id, '--out', out), got.io, lab),
    ).toBe(0);
    expect(got.out()).toMatch(/Fetched model .*best\.json \(\d+ bytes, SHA-256 verified\)/);
    expect((await readFile(join(out, 'best.json'))).length).toBe(model.size);

    const renamed = fakeIo();
    expect(
      await artifactsCommand(
        args('artifacts', 'rename', epoch.id, 'first-epoch.json', '--json'),
        renamed.io,
        lab,
      ),
    ).toBe(0);
    expect(JSON.parse(renamed.out()).path).toMatch(/first-epoch\.json$/);
    await expect(
      artifactsCommand(args('artifacts', 'rename', epoch.id, '../escape'), fakeIo().io, lab),
    ).rejects.toThrow(/is not a file name/);

    expect(
      await modelsCommand(
        args('models', 'register', 'mouse', '--experiment', jobId, '--activate'),
        fakeIo().io,
        lab,
      ),
    ).toBe(0);
    await expect(
      artifactsCommand(args('artifacts', 'delete', model.id), fakeIo().io, lab),
    ).rejects.toMatchObject({
      code: 'artifact_in_use',
      exitCode: 2,
    });
    const deleted = fakeIo();
    expect(await artifactsCommand(args('artifacts', 'delete', epoch.id), deleted.io, lab)).toBe(0);
    expect(deleted.out()).toContain(`Deleted artifact ${epoch.id} and its file`);
  });

  it('train --fine-tune MODEL starts from the active model: a fine-tune child in the lineage', async () => {
    const t = fakeIo();
    expect(
      await trainCommand(
        args('train', '--preset', 'quick', '--epochs', '2', '--fine-tune', 'mouse', '--json'),
        t.io,
        lab,
      ),
    ).toBe(0);
    expect(ndjson(t.out()).at(-1)).toMatchObject({ type: 'state', state: 'completed' });
    const child = ndjson(t.out())[0].jobId;
    const listed = fakeIo();
    expect(await experimentsCommand(args('experiments', 'list', '--json'), listed.io, lab)).toBe(0);
    expect(ndjson(listed.out()).find((e) => e.id === child)).toMatchObject({
      relation: 'fine-tune',
      parentId: jobId,
      sourceModel: { name: 'mouse', version: 1 },
    });
    await expect(
      trainCommand(args('train', '--fine-tune', 'mouse:x'), fakeIo().io, lab),
    ).rejects.toThrow(/--fine-tune takes a registered model as NAME or NAME:VERSION/);
  });

  it('datasets generate makes a dataset artifact; the same name again is refused unless --overwrite', async () => {
    const first = fakeIo();
    expect(
      await datasetsCommand(
        args('datasets', 'generate', 'blobs', '--samples', '200'),
        first.io,
        lab,
      ),
    ).toBe(0);
    expect(first.out()).toMatch(
      /Dataset .*blobs\.csv on gpu-server-01 \(\d+ bytes, SHA-256 [0-9a-f]{12}…\)/,
    );
    expect(first.out()).not.toContain('Training');
    await expect(
      datasetsCommand(args('datasets', 'generate', 'blobs', '--samples', '200'), fakeIo().io, lab),
    ).rejects.toMatchObject({ code: 'dataset_exists', exitCode: 2 });
    expect(
      await datasetsCommand(
        args('datasets', 'generate', 'blobs', '--samples', '200', '--overwrite'),
        fakeIo().io,
        lab,
      ),
    ).toBe(0);
    await expect(
      datasetsCommand(args('datasets', 'generate', 'no/slash'), fakeIo().io, lab),
    ).rejects.toThrow(/is not a dataset name/);
  });

  it('presets shows each preset with an estimate from the runs above', async () => {
    const t = fakeIo();
    expect(await presetsCommand(args('presets', '--json'), t.io, lab)).toBe(0);
    const presets = ndjson(t.out());
    expect(presets.map((p) => p.name)).toEqual(['quick', 'standard', 'epic']);
    expect(presets[0].estimateText).toMatch(/about .* \(from \d+ runs?\)/);
  });

  it('presets of sleap-nn: none of its own here, and its top-down pipeline with the command', async () => {
    const t = fakeIo();
    expect(await presetsCommand(args('presets', '--profile', 'sleap-nn'), t.io, lab)).toBe(0);
    expect(t.out()).toContain('has no presets for sleap-nn.');
    expect(t.out()).toContain(
      'Pipeline top-down: sleap-nn top-down: centroid, then centered instance (centroid → centered_instance); `trainwire train --profile sleap-nn --pipeline top-down --input labels=…`.',
    );
  });
});
