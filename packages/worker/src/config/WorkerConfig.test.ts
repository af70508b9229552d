import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanTempDirs, tempDir } from '../__tests__/helpers.js';
import { loadWorkerConfig, readWorkerConfigFile, WorkerConfigSchema } from './WorkerConfig.js';

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

  it('refuses mount names the worker keeps for itself, and duplicates', () => {
    const dir = tempDir();
    const file = join(dir, 'worker.yaml');
    writeFileSync(
      file,
      [
        'dataDir: ./state',
        'mounts:',
        '  - { name: data, path: ./a }',
        '  - { name: uploads, path: ./b }',
        '  - { name: data, path: ./c }',
      ].join('\n'),
    );
    expect(() => loadWorkerConfig(file)).toThrow(
      /mounts\[1\]\.name: mount name "uploads" is reserved for the worker's own folder; rename it/,
    );
    expect(() => loadWorkerConfig(file)).toThrow(
      /mounts\[2\]\.name: mount name "data" is used twice; give each mount its own name/,
    );
    for (const name of ['datasets', 'runs']) {
      const result = WorkerConfigSchema.safeParse({
        dataDir: '/x',
        mounts: [{ name, path: '/srv' }],
      });
      expect(result.error?.issues).toEqual([
        expect.objectContaining({
          path: ['mounts', 0, 'name'],
          message: expect.stringContaining(`mount name "${name}" is reserved`),
        }),
      ]);
    }
  });

  it('refuses a trainer profile with an unknown placeholder, naming profile, placeholder and the known ones', () => {
    const file = join(tempDir(), 'worker.yaml');
    writeFileSync(
      file,
      [
        'dataDir: /x',
        'profiles:',
        '  - id: my-trainer',
        '    command: [python, "{scriptPath}", --config, "{config}", "--labels={input.labels}"]',
      ].join('\n'),
    );
    expect(() => loadWorkerConfig(file)).toThrow(
      /profiles\[0\]\.command\[1\]: trainer profile "my-trainer" uses an unknown placeholder \{scriptPath\}; use one of \{jobId\}, .*\{input\.ROLE\}/,
    );
    expect(() => loadWorkerConfig(file)).not.toThrow(
      /unknown placeholder \{(config|input\.labels)\}/,
    );
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
