/**
 * Replaces jsonpickle wrappers whose meaning is plain: `{"py/tuple": [...]}` and
 * `{"py/set": [...]}` become arrays. Other `py/…` objects (`py/object`, `py/reduce`,
 * `py/id`) stay as they are: a caller's schema decides what to do with them.
 */
export function unwrapJsonPickle(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapJsonPickle);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1) {
    const only = record[keys[0] as string];
    if ((keys[0] === 'py/tuple' || keys[0] === 'py/set') && Array.isArray(only)) {
      return only.map(unwrapJsonPickle);
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    // defineProperty: a key named "__proto__" stays data, as JSON.parse made it.
    Object.defineProperty(out, key, {
      value: unwrapJsonPickle(record[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
