import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeIo } from '../../test/fakeIo.js';
import { main } from '../main.js';

async function file(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tw-validate-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('trainwire validate', () => {
  it('passes a good config with exit 0', async () => {
    const path = await file('ok.yaml', 'epochs: 5\nbatchSize: 16\n');
    const t = fakeIo();
    expect(await main(['validate', path], t.io)).toBe(0);
    expect(t.out()).toContain('is a valid builtin config');
  });

  it('lists errors with field paths and exits 2', async () => {
    const path = await file(
      'bad.yaml',
      'model_config:\n  backbone_config: {unet: {max_stride: 12}}\n  head_configs: {}\ntrainer_config: {max_epochs: 0}\n',
    );
    const t = fakeIo();
    expect(await main(['validate', path, '--profile', 'sleap-nn'], t.io)).toBe(2);
    expect(t.out()).toContain('model_config.backbone_config.unet.max_stride');
    expect(t.out()).toContain('trainer_config.max_epochs');
  });

  it('prints one JSON object with --json', async () => {
    const path = await file('w.json', '{"epochs": 20000}');
    const t = fakeIo();
    expect(await main(['validate', path, '--json'], t.io)).toBe(0);
    const report = JSON.parse(t.out());
    expect(report.issues[0].code).toBe('too_many_epochs');
  });

  it('names the line of a syntax error, an unknown profile, and a missing file', async () => {
    const broken = await file('broken.yaml', 'a: [1, 2\n');
    const t = fakeIo();
    expect(await main(['validate', broken], t.io)).toBe(2);
    expect(t.err()).toMatch(/line \d+, column \d+/);
    expect(await main(['validate', broken, '--profile', 'nope'], t.io)).toBe(2);
    expect(t.err()).toContain('builtin, sleap-nn');
    expect(await main(['validate', '/no/such/file.yaml'], t.io)).toBe(2);
    // In words, not the errno.
    expect(t.err()).toContain('cannot read /no/such/file.yaml: no such file or folder');
    expect(t.err()).not.toContain('ENOENT');
  });
});
