import { hostname } from 'node:os';
import type { WorkerInfo } from '@trainwire/core';
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
  const { SignalingClient } = await import('@trainwire/transport-webrtc');
  const { signalingUrl: url, room, role } = credentials;
  const name = `trainwire login check (${hostname()})`;
  // A worker key registers only as a worker: shown busy, so no client picks this check.
  const info: WorkerInfo = {
    id: 'login-check',
    name,
    gpu: null,
    cpu: { model: 'unknown', cores: 1 },
    ramMiB: 0,
    status: 'busy',
    versions: {},
    capabilities: [],
    tags: [],
  };
  const signaling = new SignalingClient({
    url,
    room,
    role,
    credential: credentials.credential,
    name,
    requestTimeoutMs: timeoutMs,
    ...(role === 'worker' ? { info } : {}),
  });
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
    await Promise.race([signaling.connect(), deadline]);
  } catch (error) {
    if ((error as { name?: unknown }).name === 'CliError') throw error;
    throw refusal(error, credentials);
  } finally {
    clearTimeout(timer);
    await signaling.close().catch(() => undefined);
  }
}

function refusal(error: unknown, { signalingUrl: url, room, role }: Credentials): CliError {
  const code = (error as { code?: unknown }).code;
  const said = (error as Error).message;
  const what = role === 'worker' ? 'worker key' : 'room token';
  const message =
    code === 'signaling_unreachable'
      ? `cannot reach a signaling server at ${url}: check the URL and port, and that \`trainwire signal\` runs there.`
      : code === 'room_not_found'
        ? `the signaling server at ${url} has no room ${room}: check --room (an operator creates it with \`trainwire rooms create ${room}\`).`
        : code === 'auth_failed'
          ? `the signaling server at ${url} refused the ${what} (--token) for room ${room}: ${said.replace(/^credential refused for room [^:]+: /, '').replace(/\.$/, '')}.`
          : `cannot log in at ${url}: ${said}.`;
  return new CliError(
    typeof code === 'string' ? code : 'connect_failed',
    ExitCode.connection,
    `${message} Nothing was saved.`,
    { cause: error },
  );
}
