import { TrainwireError } from '@trainwire/core';

/** Codes of errors raised by `@trainwire/transport-webrtc`. */
export type TransportWebrtcErrorCode =
  | 'auth_failed'
  | 'too_many_attempts'
  | 'credential_revoked'
  | 'name_taken'
  | 'name_mismatch'
  | 'replaced'
  | 'key_mismatch'
  | 'bad_message'
  | 'message_too_large'
  | 'rate_limited'
  | 'not_registered'
  | 'peer_not_found'
  | 'room_not_found'
  | 'signaling_closed'
  | 'signaling_unreachable'
  | 'connect_failed'
  | 'transport_closed'
  | 'transport_not_open'
  | 'store_corrupt'
  | 'store_unavailable'
  | 'bad_config';

/**
 * Base class of every error `@trainwire/transport-webrtc` throws. Check `code` (with
 * `isTrainwireError` from `@trainwire/core`), not `instanceof`.
 */
export class TransportWebrtcError extends TrainwireError {
  override name = 'TransportWebrtcError';
  declare readonly code: TransportWebrtcErrorCode;

  constructor(
    code: TransportWebrtcErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, options);
  }
}
