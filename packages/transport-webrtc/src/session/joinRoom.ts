import { isTrainwireError } from '@trainwire/core';
import { TransportWebrtcError, type TransportWebrtcErrorCode } from '../errors.js';
import { SignalingClient } from '../SignalingClient.js';
import type { RoomCredentials } from './RoomCredentials.js';

/**
 * Joins a room as a client, with a name other members see; resolves with the connected
 * signaling client. A refusal or an unreachable server rejects with a
 * `TransportWebrtcError` naming the room and server (its code is the server's answer:
 * `auth_failed`, `signaling_unreachable`, …; the first error is its `cause`).
 *
 * @example
 * ```ts
 * const signaling = await joinRoom({ signalingUrl: 'ws://127.0.0.1:8765', room: 'lab', credential: token }, 'panel');
 * ```
 */
export async function joinRoom(
  credentials: RoomCredentials,
  name: string,
): Promise<SignalingClient> {
  const signaling = new SignalingClient({
    url: credentials.signalingUrl,
    urls: credentials.signalingUrls,
    room: credentials.room,
    role: 'client',
    credential: credentials.credential,
    name,
  });
  try {
    await signaling.connect();
    return signaling;
  } catch (error) {
    await signaling.close().catch(() => undefined);
    throw new TransportWebrtcError(
      codeOf(error),
      `cannot join room ${credentials.room} at ${credentials.signalingUrl}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** The code of the signaling client's error, else `connect_failed`. */
export function codeOf(error: unknown): TransportWebrtcErrorCode {
  return isTrainwireError(error) ? (error.code as TransportWebrtcErrorCode) : 'connect_failed';
}
