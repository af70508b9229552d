import { platform } from '#platform';
import { TransportWebrtcError, type TransportWebrtcErrorCode } from './errors.js';
import { type PeerRole, ServerMessageSchema, SIGNALING_VERSION } from './signalingMessages.js';

/** Options of {@link checkCredential}. */
export interface CheckCredentialOptions {
  /** `ws://host:port` of the signaling server. */
  url: string;
  room: string;
  /** The role the credential is for: `client` (room token) or `worker` (worker key). */
  role: PeerRole;
  credential: string;
  /** How long to wait for the answer, ms (10 000). */
  timeoutMs?: number;
}

/** A credential the server accepted for the role asked. */
export interface CheckedCredential {
  credentialId: string;
  /** A worker key's bound worker name, once it has registered a worker. */
  workerName?: string;
}

/**
 * Asks the signaling server whether `credential` may register in `room` as `role`,
 * without registering: no peer appears, no worker name is bound, no running worker of the
 * same key is replaced (what `trainwire login` needs). Rejects with the server's code
 * (`auth_failed`, `credential_revoked`, `too_many_attempts` with `details.retryAfterMs`)
 * or `signaling_unreachable`. A failed check counts towards the server's backoff like a
 * failed registration.
 *
 * @example
 * ```ts
 * const { credentialId, workerName } = await checkCredential({ url, room: 'lab', role: 'worker', credential: workerKey });
 * ```
 */
export function checkCredential(options: CheckCredentialOptions): Promise<CheckedCredential> {
  const { url, room, role, credential, timeoutMs = 10_000 } = options;
  return new Promise((resolve, reject) => {
    const socket = new platform.WebSocket(url);
    let done = false;
    const finish = (outcome: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.onclose = null;
      socket.onmessage = null;
      socket.onerror = () => undefined;
      socket.close(1000, 'checked');
      outcome();
    };
    const unreachable = (why: string) =>
      finish(() =>
        reject(
          new TransportWebrtcError(
            'signaling_unreachable',
            `${why} from the signaling server at ${url}; check the URL and that it runs`,
          ),
        ),
      );
    const timer = setTimeout(() => unreachable(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.onopen = () =>
      socket.send(
        JSON.stringify({
          v: SIGNALING_VERSION,
          type: 'check',
          rid: 'check',
          role,
          room,
          credential,
        }),
      );
    socket.onmessage = (event) => {
      let parsed: ReturnType<typeof ServerMessageSchema.safeParse>;
      try {
        parsed = ServerMessageSchema.safeParse(JSON.parse(String(event.data)));
      } catch {
        return;
      }
      if (!parsed.success || !('rid' in parsed.data) || parsed.data.rid !== 'check') return;
      const answer = parsed.data;
      if (answer.type === 'checked') {
        const { credentialId, workerName } = answer;
        finish(() =>
          resolve(workerName === undefined ? { credentialId } : { credentialId, workerName }),
        );
      } else if (answer.type === 'error') {
        const details =
          answer.retryAfterMs === undefined ? undefined : { retryAfterMs: answer.retryAfterMs };
        const code = answer.code as TransportWebrtcErrorCode;
        finish(() => reject(new TransportWebrtcError(code, answer.message, { details })));
      }
    };
    socket.onerror = () => undefined;
    socket.onclose = () => unreachable('no answer');
  });
}
