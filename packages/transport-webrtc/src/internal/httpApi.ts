import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RoomSchema } from '@trainwire/core';
import { z } from 'zod';
import type { SignalingBackend } from '../SignalingBackend.js';
import type { SignalingLogEntry } from '../SignalingLogEntry.js';
import type { CredentialKind, IssuedCredential } from '../SignalingStore.js';
import { SIGNALING_VERSION } from '../signalingMessages.js';
import { type AuthLimiter, authKeys } from './AuthLimiter.js';
import { describeInvalid } from './describeInvalid.js';
import type { SignalingHub } from './SignalingHub.js';

const RoomBody = RoomSchema.pick({ id: true, name: true });
const CredentialBody = z.object({
  kind: z.enum(['room-token', 'worker-key'], { error: 'must be room-token or worker-key' }),
  label: z.string().max(128).optional(),
});

/** What the HTTP API works on. */
export interface HttpContext {
  store: SignalingBackend;
  hub: SignalingHub;
  adminToken: string | undefined;
  limiter: AuthLimiter;
  log(entry: Omit<SignalingLogEntry, 'at'>): void;
  addressOf(req: IncomingMessage): string;
  api: {
    createCredential(room: string, kind: CredentialKind, label?: string): Promise<IssuedCredential>;
    revokeCredential(id: string): Promise<boolean>;
    deleteRoom(id: string): Promise<boolean>;
  };
}

/**
 * `GET /health` for anyone; the admin routes (rooms, credentials) for the bearer of the
 * admin token. Wrong admin tokens count towards the address's backoff, like bad
 * credentials at registration, and are logged.
 */
export async function handleHttp(req: IncomingMessage, res: ServerResponse, ctx: HttpContext) {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'GET' && url.pathname === '/health') {
    const { peers, connections } = ctx.hub.stats;
    return reply(res, 200, { ok: true, signalingVersion: SIGNALING_VERSION, peers, connections });
  }
  if (ctx.adminToken === undefined)
    return reply(res, 404, { error: 'not_found', message: 'admin API disabled (no adminToken)' });
  const address = ctx.addressOf(req);
  const keys = authKeys(address);
  const wait = ctx.limiter.blockedFor(keys);
  if (wait > 0) {
    res.setHeader('retry-after', String(Math.ceil(wait / 1000)));
    return reply(res, 429, {
      error: 'too_many_attempts',
      message: `too many failed attempts from this address; retry in ${Math.ceil(wait / 1000)} s`,
      retryAfterMs: wait,
    });
  }
  if (!sameSecret(req.headers.authorization ?? '', `Bearer ${ctx.adminToken}`)) {
    const block = ctx.limiter.fail(keys);
    ctx.log({
      event: 'admin_auth_failed',
      address,
      message: `admin request ${req.method} ${url.pathname} refused from ${address}: wrong admin token${block > 0 ? `; further attempts blocked for ${Math.ceil(block / 1000)} s` : ''}`,
    });
    return reply(res, 401, {
      error: 'auth_failed',
      message: 'send Authorization: Bearer <adminToken>',
    });
  }
  ctx.limiter.succeed(keys);
  let parts: string[];
  try {
    parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return reply(res, 400, {
      error: 'bad_message',
      message: `path ${url.pathname} has a bad %-escape; encode ids with encodeURIComponent`,
    });
  }
  const body = req.method === 'POST' ? await readJson(req) : undefined;
  if (req.method === 'GET' && parts.length === 1 && parts[0] === 'rooms') {
    const listed = await ctx.store.listRooms();
    const rooms = await Promise.all(
      listed.map(async (room) => {
        const online = await ctx.hub.online(room.id);
        const workers = online.filter((p) => p.role === 'worker').length;
        return { ...room, workers, clients: online.length - workers };
      }),
    );
    return reply(res, 200, { rooms });
  }
  if (req.method === 'POST' && parts.length === 1 && parts[0] === 'rooms') {
    const parsed = RoomBody.safeParse(body);
    if (!parsed.success) return badBody(res, 'room', body, parsed.error);
    return reply(res, 201, await ctx.store.createRoom(parsed.data));
  }
  if (req.method === 'DELETE' && parts[0] === 'rooms' && parts.length === 2) {
    const found = await ctx.api.deleteRoom(parts[1]!);
    return reply(
      res,
      found ? 200 : 404,
      found ? { deleted: parts[1] } : { error: 'room_not_found' },
    );
  }
  if (parts[0] === 'rooms' && parts.length === 3 && parts[2] === 'credentials') {
    const room = parts[1]!;
    if (!(await ctx.store.getRoom(room))) return reply(res, 404, { error: 'room_not_found' });
    if (req.method === 'GET')
      return reply(res, 200, { credentials: await ctx.store.listCredentials(room) });
    if (req.method !== 'POST') {
      const message = 'GET lists the credentials of a room, POST issues one';
      return reply(res, 400, { error: 'bad_message', message });
    }
    const parsed = CredentialBody.safeParse(body);
    if (!parsed.success) return badBody(res, 'credential', body, parsed.error);
    return reply(
      res,
      201,
      await ctx.api.createCredential(room, parsed.data.kind, parsed.data.label),
    );
  }
  if (req.method === 'DELETE' && parts[0] === 'credentials' && parts.length === 2) {
    const found = await ctx.api.revokeCredential(parts[1]!);
    return reply(res, found ? 200 : 404, { revoked: found });
  }
  return reply(res, 404, { error: 'not_found' });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 16 * 1024) return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Constant-time comparison, so the admin token cannot be guessed byte by byte. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** 400 with a message that names each bad field of the body. */
function badBody(res: ServerResponse, what: string, body: unknown, error: z.ZodError): void {
  const message =
    body === undefined
      ? `send the ${what} as a JSON body of at most 16 KiB`
      : describeInvalid(what, error);
  reply(res, 400, { error: 'bad_message', message });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
