/**
 * Writes `value` as JSON the way Python's `json.dumps` does for floats: `NaN`,
 * `Infinity` and `-Infinity` bare, `-0` as `-0.0`. Python's `json.loads` and
 * `jsonpickle.decode` read it back; {@link parsePythonJson} too. Otherwise it follows
 * `JSON.stringify` (`toJSON`, `undefined` members left out, `undefined` in arrays → null).
 *
 * @throws TypeError for a `bigint` or a cycle, as `JSON.stringify` does.
 *
 * @example
 * ```ts
 * stringifyPythonJson({ logs: { loss: Number.NaN } }); // '{"logs":{"loss":NaN}}'
 * ```
 */
export function stringifyPythonJson(value: unknown): string {
  // Fast path: without a non-finite number or -0 (most messages), JSON.stringify is it.
  if (isPlain(value, 0)) return JSON.stringify(value) ?? 'null';
  return write(value, new Set()) ?? 'null';
}

/** True when `value` is plain data with only finite numbers (not -0), shallow enough. */
function isPlain(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object' || value === null) return typeof value !== 'bigint';
  if (depth > 32) return false; // deep or cyclic: the careful path reports cycles
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    for (const item of value) if (!isPlain(item, depth + 1)) return false;
    return true;
  }
  if (proto !== Object.prototype && proto !== null) return false; // toJSON, Date, Map…
  for (const key in value) {
    if (!isPlain((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

function write(value: unknown, seen: Set<object>): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      if (Number.isNaN(value)) return 'NaN';
      if (value === Number.POSITIVE_INFINITY) return 'Infinity';
      if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
      if (Object.is(value, -0)) return '-0.0';
      return JSON.stringify(value);
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'bigint':
      throw new TypeError('cannot write a bigint as JSON');
    case 'object':
      break;
    default:
      return undefined; // undefined, function, symbol
  }
  const object = value as object & { toJSON?: unknown };
  if (typeof object.toJSON === 'function') {
    return write((object.toJSON as () => unknown).call(object), seen);
  }
  if (seen.has(object)) throw new TypeError('cannot write a cyclic structure as JSON');
  seen.add(object);
  let out: string;
  if (Array.isArray(object)) {
    out = `[${object.map((item) => write(item, seen) ?? 'null').join(',')}]`;
  } else {
    const parts: string[] = [];
    for (const [key, member] of Object.entries(object)) {
      const written = write(member, seen);
      if (written !== undefined) parts.push(`${JSON.stringify(key)}:${written}`);
    }
    out = `{${parts.join(',')}}`;
  }
  seen.delete(object);
  return out;
}
