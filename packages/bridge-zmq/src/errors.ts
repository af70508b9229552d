import { TrainwireError } from '@trainwire/core';

/** Codes of errors raised by `@trainwire/bridge-zmq`. */
export type BridgeZmqErrorCode = 'port_in_use' | 'bad_address' | 'bind_failed' | 'closed';

/**
 * Base class of every error `@trainwire/bridge-zmq` throws. Check `code` (or use
 * `isTrainwireError(error, 'port_in_use')` from `@trainwire/core`), not `instanceof`.
 */
export class BridgeZmqError extends TrainwireError {
  override name = 'BridgeZmqError';
  declare readonly code: BridgeZmqErrorCode;

  constructor(
    code: BridgeZmqErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, options);
  }
}

/** A port asked for is already taken by another program. The message names the port. */
export class PortInUseError extends BridgeZmqError {
  override name = 'PortInUseError';
  /** The port that was taken. */
  readonly port: number;

  constructor(host: string, port: number, purpose: string, options: { cause?: unknown } = {}) {
    super(
      'port_in_use',
      `port ${port} on ${host} (${purpose}) is already in use, probably by another trainer, ` +
        `worker or loss viewer; stop that program, pick another port, or pass port 0 to use a free one`,
      { cause: options.cause, details: { host, port, purpose } },
    );
    this.port = port;
  }
}

/** An address or host could not be used (wrong shape, unknown host, not local). */
export class BadAddressError extends BridgeZmqError {
  override name = 'BadAddressError';

  constructor(address: string, reason: string, options: { cause?: unknown } = {}) {
    super('bad_address', `cannot use address ${JSON.stringify(address)}: ${reason}`, {
      cause: options.cause,
      details: { address },
    });
  }
}

/** Binding a socket failed for a reason other than a taken port. */
export class BindFailedError extends BridgeZmqError {
  override name = 'BindFailedError';

  constructor(address: string, reason: string, options: { cause?: unknown } = {}) {
    super('bind_failed', `cannot listen on ${address}: ${reason}`, {
      cause: options.cause,
      details: { address },
    });
  }
}

/** The object was used after `close()`. */
export class BridgeClosedError extends BridgeZmqError {
  override name = 'BridgeClosedError';

  constructor(what: string) {
    super('closed', `${what} is closed; create a new one`);
  }
}
