import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { PytorchTrainerConfigSchema } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { PYTHON, TRAIN_PY } from './pytorchLab.js';

interface PyField {
  default: number;
  int: boolean;
  low: number;
  high: number;
}

/** The trainer's own table of fields (trainer_config.py), read from Python. */
function trainerFields(): Record<string, PyField> {
  const script = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(dirname(TRAIN_PY))})`,
    'from trainer_config import FIELDS',
    'print(json.dumps({n: {"default": f.default, "int": f.kind is int, "low": f.low, "high": f.high} for n, f in FIELDS.items()}))',
  ].join('\n');
  return JSON.parse(
    execFileSync(PYTHON, ['-c', script], {
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    }),
  );
}

// The client checks a pytorch config before it is sent (core's profile); the trainer checks
// it again. Both must agree, or the panel would pass a config the trainer refuses.
describe("core's pytorch config profile and the trainer's own checks", () => {
  const fields = trainerFields();
  const accepts = (name: string, value: number) =>
    PytorchTrainerConfigSchema.safeParse({ [name]: value }).success;

  it('know the same fields with the same defaults', () => {
    const defaults = PytorchTrainerConfigSchema.parse({});
    expect(Object.keys(defaults).sort()).toEqual(Object.keys(fields).sort());
    for (const [name, field] of Object.entries(fields)) {
      expect([name, defaults[name as keyof typeof defaults]]).toEqual([name, field.default]);
    }
  });

  it('accept and refuse at the same bounds', () => {
    for (const [name, field] of Object.entries(fields)) {
      const step = field.int ? 1 : Math.max(Math.abs(field.low), 1) * 1e-6;
      // imageSize also needs a multiple of 8: its bounds (16, 256) are.
      expect([name, accepts(name, field.low), accepts(name, field.high)]).toEqual([
        name,
        true,
        true,
      ]);
      expect([name, accepts(name, field.low - step), accepts(name, field.high + step)]).toEqual([
        name,
        false,
        false,
      ]);
      if (field.int) expect([name, accepts(name, field.low + 0.5)]).toEqual([name, false]);
    }
  });
});
