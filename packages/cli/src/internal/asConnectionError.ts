import { isTrainwireError } from '@trainwire/core';
import { ConnectionError, UsageError } from '../errors.js';

/**
 * Rethrows an error of transport-webrtc's room and worker sessions as the CLI's exit 3,
 * in the same words (the first error stays the cause). A usage error passes unchanged.
 */
export function asConnectionError(error: unknown): never {
  if (isTrainwireError(error) && !(error instanceof UsageError)) {
    throw error instanceof ConnectionError
      ? error
      : new ConnectionError(error.message, { cause: (error as Error).cause ?? error });
  }
  throw error;
}
