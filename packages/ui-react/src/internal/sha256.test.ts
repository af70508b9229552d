import { describe, expect, it } from 'vitest';
import { sha256HexSync } from './sha256.js';

const hex = (digest: ArrayBuffer) =>
  Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');

describe('sha256HexSync (pages without WebCrypto)', () => {
  it('gives WebCrypto’s digest across block boundaries', async () => {
    expect(sha256HexSync(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    for (const length of [0, 1, 55, 56, 63, 64, 65, 1000, 100_003]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);
      expect(sha256HexSync(bytes)).toBe(hex(await crypto.subtle.digest('SHA-256', bytes)));
    }
  });
});
