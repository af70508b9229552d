import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SignalingBackend } from '@trainwire/transport-webrtc';
import { z } from 'zod';
import { CliError, ConnectionError, ExitCode, UsageError } from '../errors.js';
import { writePrivateFile } from './writePrivateFile.js';

/** What a running `trainwire signal` leaves in its data directory for the operator commands. */
const AdminFileSchema = z.object({
  url: z.string(),
  httpUrl: z.string(),
  adminToken: z.string().min(16),
  pid: z.number(),
});

/** The admin file of a signaling data directory. */
export function adminFilePath(dataDir: string): string {
  return join(dataDir, 'admin.json');
}

/** A fresh admin token for a server about to start. */
export function newAdminToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Writes the running server's addresses and admin token (0600); `remove` when it stops. */
export async function writeAdminFile(
  dataDir: string,
  server: { url: string; httpUrl: string },
  token: string,
): Promise<{ remove(): Promise<void> }> {
  const path = adminFilePath(dataDir);
  await writePrivateFile(
    path,
    JSON.stringify({
      url: server.url,
      httpUrl: server.httpUrl,
      adminToken: token,
      pid: process.pid,
    }),
  );
  return { remove: () => rm(path, { force: true }) };
}

/** The running server's admin API, when one answers for `dataDir`. */
export async function runningServer(
  dataDir: string,
): Promise<{ httpUrl: string; adminToken: string } | undefined> {
  let text: string;
  try {
    text = await readFile(adminFilePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = AdminFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) return undefined;
  try {
    const health = await fetch(`${parsed.data.httpUrl}/health`, {
      signal: AbortSignal.timeout(2_000),
    });
    return health.ok ? parsed.data : undefined;
  } catch {
    return undefined; // A stale file from a server that is gone: use the store directly.
  }
}

/** Calls the admin API; an error reply becomes a message that says what went wrong. */
export async function adminRequest(
  server: { httpUrl: string; adminToken: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${server.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }).catch((error: Error) => {
    throw new ConnectionError(
      `the signaling server at ${server.httpUrl} did not answer: ${error.message}`,
    );
  });
  const reply = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!response.ok) {
    throw new CliError(
      reply.error ?? (response.status === 404 ? 'not_found' : 'admin_failed'),
      response.status === 404 ? ExitCode.usage : ExitCode.connection,
      `${method} ${path}: ${reply.message ?? reply.error ?? response.statusText}`,
    );
  }
  return reply;
}

/** True for the admin API's "no such room or key" reply (404), not for auth, server or network errors. */
export function isNotFoundReply(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'room_not_found' || code === 'not_found';
}

/** `--redis URL`, checked before anything starts: exit 2 naming the flag when it is not one. */
export async function redisUrlFlag(url: string | undefined): Promise<string | undefined> {
  if (url === undefined) return undefined;
  const { RedisSignalingBackend } = await import('@trainwire/transport-webrtc');
  const problem = RedisSignalingBackend.problemWith(url);
  if (problem !== undefined) throw new UsageError(`--redis: ${problem}`);
  return url;
}

/**
 * The shared store of a scaled-out signaling service, straight from Redis (no instance
 * needed); revocations made through it reach every running instance.
 */
export async function openRedisStore(url: string): Promise<SignalingBackend> {
  const { RedisSignalingBackend } = await import('@trainwire/transport-webrtc');
  try {
    return await RedisSignalingBackend.connect(url);
  } catch (error) {
    if ((error as { code?: string }).code !== 'store_unavailable') throw error;
    throw new ConnectionError(
      `cannot reach Redis at ${url}; check --redis and that Redis runs and accepts connections from here`,
      { cause: error },
    );
  }
}
