import { replaceBareNonFinite } from './internal/replaceBareNonFinite.js';
import { unwrapJsonPickle } from './internal/unwrapJsonPickle.js';

/**
 * Parses JSON the way Python writes it: bare `NaN`, `Infinity` and `-Infinity` (outside
 * strings) become the JavaScript numbers, and jsonpickle's wrappers are unwrapped where
 * the meaning is plain (`py/tuple`, `py/set` → arrays); other `py/…` objects are
 * returned as they are, never thrown on.
 *
 * @throws SyntaxError when `text` is not JSON even with those extensions.
 *
 * @example
 * ```ts
 * parsePythonJson('{"event": "epoch_end", "logs": {"loss": NaN}}');
 * // → { event: 'epoch_end', logs: { loss: NaN } }
 * ```
 */
export function parsePythonJson(text: string): unknown {
  let value: unknown;
  try {
    // Fast path: most messages have no non-finite number.
    value = JSON.parse(text);
  } catch (error) {
    const replaced = replaceBareNonFinite(text);
    if (replaced === null) throw error;
    value = JSON.parse(replaced.text, (_key, v: unknown) =>
      typeof v === 'string' && replaced.tokens.has(v) ? replaced.tokens.get(v) : v,
    );
  }
  return text.includes('"py/') ? unwrapJsonPickle(value) : value;
}
