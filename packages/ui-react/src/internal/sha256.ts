// SHA-256 of bytes in the page: WebCrypto where the page has it (a secure context), else
// @noble/hashes (a page served over plain http from a LAN address has no `crypto.subtle`,
// and a download must still be verified).
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';

/** SHA-256 without WebCrypto (@noble/hashes, audited), as lowercase hex. */
export function sha256HexSync(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes));
}

/** SHA-256 of `bytes` as lowercase hex: WebCrypto when the page has it, else {@link sha256HexSync}. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) return sha256HexSync(bytes);
  const digest = await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return bytesToHex(new Uint8Array(digest));
}
