/** The text with bare non-finite tokens replaced by unique strings, and what they stand for. */
export interface ReplacedText {
  text: string;
  tokens: Map<string, number>;
}

const WORDS: readonly (readonly [string, number])[] = [
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['NaN', Number.NaN],
];

/**
 * Replaces bare `NaN`, `Infinity` and `-Infinity` outside JSON strings with quoted
 * placeholders that occur nowhere in `text`. Returns null when there is none to replace.
 */
export function replaceBareNonFinite(text: string): ReplacedText | null {
  const nonce = pickNonce(text);
  const tokens = new Map<string, number>();
  let out = '';
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    if (c !== 0x2d && c !== 0x49 && c !== 0x4e) continue; // '-', 'I', 'N'
    for (const [word, value] of WORDS) {
      if (!text.startsWith(word, i)) continue;
      // The placeholder is written with an escaped U+0000, which JSON.parse turns back
      // into the control character: a plain string in the input cannot contain it raw.
      tokens.set(`\u0000${nonce}${word}`, value);
      out += `${text.slice(start, i)}"\\u0000${nonce}${word}"`;
      i += word.length - 1;
      start = i + 1;
      break;
    }
  }
  if (tokens.size === 0) return null;
  return { text: out + text.slice(start), tokens };
}

function pickNonce(text: string): string {
  for (let n = 0; ; n++) {
    const nonce = `pyjson${n.toString(36)}:`;
    if (!text.includes(nonce)) return nonce;
  }
}
