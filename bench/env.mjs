// Reads the benches' numeric options from the environment, checked: a typo or a 0 (which
// made transfer.bench.mjs loop for ever with CHUNK_KIB=0) stops the bench with a message.

/**
 * The whole number ≥ 1 in environment variable `name`, or `fallback` when it is unset
 * or empty.
 * @throws Error naming the variable and the text it held, when that is not such a number.
 * @example
 *   const ROUNDS = positiveIntEnv('ROUNDS', 3);
 */
export function positiveIntEnv(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a whole number ≥ 1, got "${text}"`);
  }
  return value;
}

/**
 * The number > 0 in environment variable `name` (decimals allowed: `0.25`), or `fallback`
 * when it is unset or empty.
 * @throws Error naming the variable and the text it held, when that is not such a number.
 * @example
 *   const GIB = positiveNumberEnv('BENCH_MEMORY_GIB', 4);
 */
export function positiveNumberEnv(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!/^\s*(\d+\.?\d*|\.\d+)\s*$/.test(text) || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a number > 0 (0.25, 4), got "${text}"`);
  }
  return value;
}
