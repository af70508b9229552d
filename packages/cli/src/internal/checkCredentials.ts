import { CliError, ExitCode } from '../errors.js';
import type { Credentials } from './credentials.js';

/** How long `login` waits for the signaling server to accept the credentials. */
export const LOGIN_CHECK_TIMEOUT_MS = 10_000;

/**
 * Registers with the signaling server as the credentials' role and leaves again: resolves
 * when the server accepts them; otherwise throws exit 3 saying whether the server could not
 * be reached (URL, port) or refused them (room, token), within `timeoutMs`.
 */
export async function checkCredentials(
  credentials: Credentials,
  timeoutMs = LOGIN_CHECK_TIMEOUT_MS,
): Promise<void> {
  const { checkCredential } = await import('@trainwire/transport-webrtc');
  const { signalingUrl: url, room, role } = credentials;
  // Asked without registering: no peer shows up, no worker name is bound, and a running
  // worker of the same key is not replaced.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new CliError(
            'signaling_timeout',
            ExitCode.connection,
            `no answer from ${url} within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}: check the URL and port (is \`trainwire signal\` running there?). Nothing was saved.`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([
      checkCredential({ url, room, role, credential: credentials.credential, timeoutMs }),
      deadline,
    ]);
  } catch (error) {
    if ((error as { name?: unknown }).name === 'CliError') throw error;
    throw refusal(error, credentials);
  } finally {
    clearTimeout(timer);
  }
}

function retryAfter(error: unknown): string {
  const ms = (error as { details?: { retryAfterMs?: unknown } }).details?.retryAfterMs;
  return typeof ms === 'number' ? ` ${Math.ceil(ms / 1000)} s` : ' a while';
}

function refusal(error: unknown, { signalingUrl: url, room, role }: Credentials): CliError {
  const code = (error as { code?: unknown }).code;
  const said = (error as Error).message;
  const what = role === 'worker' ? 'worker key' : 'room token';
  const message =
    code === 'signaling_unreachable'
      ? `cannot reach a signaling server at ${url}: check the URL and port, and that \`trainwire signal\` runs there.`
      : code === 'auth_failed'
        ? // The server answers an unknown room and a bad token alike (rooms cannot be probed).
          `the signaling server at ${url} refused the ${what} for room ${room}: check --room and --token, or ask the room's operator for a ${what}.`
        : code === 'credential_revoked'
          ? `the ${what} for room ${room} was revoked at ${url}; ask the room's operator for a new one.`
          : code === 'too_many_attempts'
            ? `too many failed logins from here at ${url}; wait${retryAfter(error)} and try again.`
            : `cannot log in at ${url}: ${said}.`;
  return new CliError(
    typeof code === 'string' ? code : 'connect_failed',
    ExitCode.connection,
    `${message} Nothing was saved.`,
    { cause: error },
  );
}
