import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanTempDirs, tempDir } from '../__tests__/helpers.js';
import { loadWorkerConfig, readWorkerConfigFile } from './WorkerConfig.js';

afterEach(cleanTempDirs);

describe('loadWorkerConfig', () => {
  it('reads YAML, applies defaults and resolves paths from the file folder', () => {
    const dir = tempDir();
    const file = join(dir, 'worker.yaml');
    writeFileSync(
      file,
      [
        'name: lab-gpu',
        'dataDir: ./state',
        'mounts:',
        '  - { name: data, path: ./data }',
        'profiles:',
        '  - id: my-trainer',
        '    command: [python, train.py, --config, "{config}"]',
        '    env: { OMP_NUM_THREADS: "4" }',
      ].join('\n'),
    );
    const config = loadWorkerConfig(file);
    expect(config).toMatchObject({
      name: 'lab-gpu',
      dataDir: join(dir, 'state'),
      maxConcurrentJobs: 1,
      cpuOnly: false,
      mounts: [{ name: 'data', path: join(dir, 'data'), readOnly: true }],
    });
    expect(config.profiles[0]).toMatchObject({ id: 'my-trainer', configFormat: 'json' });
  });

  it('names the bad field', () => {
    const file = join(tempDir(), 'worker.json');
    writeFileSync(file, JSON.stringify({ dataDir: '/x', maxConcurrentJobs: 0 }));
    expect(() => loadWorkerConfig(file)).toThrow(/maxConcurrentJobs/);
  });

  it('reads a partial file for a caller to complete, with mounts still taken from its folder', () => {
    const dir = tempDir();
    const file = join(dir, 'worker.yaml');
    writeFileSync(
      file,
      'name: lab-gpu\nmounts:\n  - { name: data, path: data, readOnly: false }\n',
    );
    expect(readWorkerConfigFile(file)).toEqual({
      name: 'lab-gpu',
      mounts: [{ name: 'data', path: join(dir, 'data'), readOnly: false }],
    });
  });

  it('names the file and line of a syntax error', () => {
    const file = join(tempDir(), 'worker.yaml');
    writeFileSync(file, 'name: x\nmounts: [\n');
    expect(() => readWorkerConfigFile(file)).toThrow(
      /worker\.yaml is not valid YAML or JSON at line \d+/,
    );
  });
});
