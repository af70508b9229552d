import { z } from 'zod';
import { BadAddressError, BindFailedError, PortInUseError } from '../errors.js';

/** A TCP port, or 0 for "pick a free one". */
export const PortSchema = z.number().int().min(0).max(65_535);

/** A host name or IP address to bind on. */
export const HostSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.\-:*[\]]+$/, 'a host name or IP address such as 127.0.0.1');

/** A ZeroMQ endpoint: `tcp://host:port`, `ipc://path` or `inproc://name`. */
export const EndpointSchema = z
  .string()
  .max(1024)
  .regex(/^(tcp:\/\/[^\s/]+:\d{1,5}|ipc:\/\/\S+|inproc:\/\/\S+)$/, {
    message: 'an endpoint such as tcp://127.0.0.1:9001',
  })
  .refine((address) => Number(/^tcp:\/\/.+:(\d+)$/.exec(address)?.[1] ?? 0) <= 65_535, {
    message: 'a TCP port from 0 to 65535',
  });

/** Checks an endpoint given by a caller; throws {@link BadAddressError} naming it. */
export function checkEndpoint(address: unknown, what: string): string {
  const result = EndpointSchema.safeParse(address);
  if (result.success) return result.data;
  throw new BadAddressError(
    String(address),
    `${what} must look like tcp://127.0.0.1:9001 (or ipc://… / inproc://…)`,
  );
}

interface Bindable {
  bind(address: string): Promise<void>;
  readonly lastEndpoint: string | null;
}

/**
 * Binds `socket` on `host`:`port` (0 = a free port) and returns the endpoint a peer
 * connects to. A taken port becomes {@link PortInUseError}, a bad host
 * {@link BadAddressError}.
 */
export async function bindTcp(
  socket: Bindable,
  host: string,
  port: number,
  purpose: string,
): Promise<string> {
  const address = `tcp://${host}:${port === 0 ? '*' : port}`;
  await bindEndpoint(socket, address, purpose);
  const endpoint = socket.lastEndpoint;
  if (endpoint === null) throw new BindFailedError(address, 'ZeroMQ reported no endpoint');
  return endpoint;
}

/** Binds `socket` on a full endpoint; maps ZeroMQ's errors to this package's. */
export async function bindEndpoint(
  socket: Bindable,
  address: string,
  purpose: string,
): Promise<void> {
  try {
    await socket.bind(address);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const match = /^tcp:\/\/(.+):(\d+)$/.exec(address);
    if (code === 'EADDRINUSE' && match) {
      throw new PortInUseError(match[1] as string, Number(match[2]), purpose, { cause: error });
    }
    if (code === 'EADDRINUSE') {
      throw new BindFailedError(address, `already in use (${purpose})`, { cause: error });
    }
    if (
      code === 'EINVAL' ||
      code === 'ENODEV' ||
      code === 'EADDRNOTAVAIL' ||
      code === 'EPROTONOSUPPORT'
    ) {
      throw new BadAddressError(
        address,
        `not a local address this machine can listen on (${purpose})`,
        {
          cause: error,
        },
      );
    }
    throw new BindFailedError(address, `${String((error as Error).message)} (${purpose})`, {
      cause: error,
    });
  }
}

/** True when `error` is ZeroMQ's "socket closed / context terminated" while waiting. */
export function isClosedError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EAGAIN' || code === 'ETERM' || code === 'ENOTSOCK' || code === 'EBADF';
}
