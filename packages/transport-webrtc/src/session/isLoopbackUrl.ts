/**
 * True for a signaling server on this machine (`127.0.0.1`, `localhost`, `::1`): then
 * WebRTC stays on the loopback interface (`rtc: { loopbackOnly: true }`).
 *
 * @example
 * ```ts
 * isLoopbackUrl('ws://127.0.0.1:8765'); // true
 * ```
 */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
}
