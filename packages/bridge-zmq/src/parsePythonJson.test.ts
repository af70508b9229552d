import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePythonJson } from './parsePythonJson.js';
import { stringifyPythonJson } from './stringifyPythonJson.js';

describe('parsePythonJson', () => {
  it('reads bare NaN, Infinity and -Infinity as Python writes them', () => {
    expect(
      parsePythonJson('{"logs": {"a": NaN, "b": Infinity, "c": -Infinity, "d": [NaN, 1.5]}}'),
    ).toEqual({
      logs: {
        a: Number.NaN,
        b: Number.POSITIVE_INFINITY,
        c: Number.NEGATIVE_INFINITY,
        d: [Number.NaN, 1.5],
      },
    });
  });

  it('leaves the words alone inside strings, escaped quotes included', () => {
    expect(parsePythonJson('{"what": "NaN \\" Infinity", "x": NaN, "y": "-Infinity"}')).toEqual({
      what: 'NaN " Infinity',
      x: Number.NaN,
      y: '-Infinity',
    });
  });

  it('reads jsonpickle output: tuples and sets become arrays, other py/ objects stay', () => {
    expect(parsePythonJson('{"shape": {"py/tuple": [1, 2]}, "tags": {"py/set": ["a"]}}')).toEqual({
      shape: [1, 2],
      tags: ['a'],
    });
    const obj = '{"lr": {"py/object": "numpy.float64", "value": 0.1}, "event": "epoch_end"}';
    expect(parsePythonJson(obj)).toEqual({
      lr: { 'py/object': 'numpy.float64', value: 0.1 },
      event: 'epoch_end',
    });
  });

  it('still refuses what is not JSON', () => {
    expect(() => parsePythonJson('{"a": nan}')).toThrow(SyntaxError);
    expect(() => parsePythonJson('{"a": ')).toThrow(SyntaxError);
    expect(() => parsePythonJson('NaNa')).toThrow(SyntaxError);
  });
});

describe('stringifyPythonJson', () => {
  it('writes non-finite numbers bare and -0 as -0.0, like json.dumps', () => {
    expect(
      stringifyPythonJson({
        a: Number.NaN,
        b: Number.POSITIVE_INFINITY,
        c: [Number.NEGATIVE_INFINITY],
        d: -0,
        e: 'NaN',
      }),
    ).toBe('{"a":NaN,"b":Infinity,"c":[-Infinity],"d":-0.0,"e":"NaN"}');
  });

  it('follows JSON.stringify for undefined, toJSON and nesting', () => {
    const value = { a: undefined, b: [undefined, () => 1], c: new Date(0), d: { e: null } };
    expect(stringifyPythonJson(value)).toBe(JSON.stringify(value));
    expect(stringifyPythonJson(undefined)).toBe('null');
  });

  it('refuses cycles and bigints', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => stringifyPythonJson(cyclic)).toThrow(TypeError);
    expect(() => stringifyPythonJson({ n: 1n })).toThrow(TypeError);
  });

  // A lone `py/tuple` or `py/set` key is jsonpickle's, unwrapped on purpose: not generated.
  it('round-trips any JSON value with non-finite numbers through parsePythonJson', () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(
        fc.double(),
        fc.integer(),
        fc.string(),
        fc.constantFrom('NaN', 'Infinity', '-Infinity', 'pyjson0:NaN', '"NaN"'),
        fc.boolean(),
        fc.constant(null),
      ),
      node: fc.oneof(
        { depthSize: 'small' },
        tie('leaf'),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(
          fc.oneof(fc.string(), fc.constantFrom('NaN', 'py/object', '__proto__')),
          tie('node'),
          { maxKeys: 4 },
        ),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        expect(parsePythonJson(stringifyPythonJson(v))).toEqual(v);
      }),
      { numRuns: 500 },
    );
  });
});
