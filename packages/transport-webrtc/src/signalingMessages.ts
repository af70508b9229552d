import { WorkerInfoSchema, WorkerStatusSchema } from '@trainwire/core';
import { z } from 'zod';

/** Version of the signaling protocol; every message carries it as `v`. */
export const SIGNALING_VERSION = 1;

/** Largest signaling message, in UTF-8 bytes, a server or client accepts. */
export const MAX_SIGNALING_MESSAGE_BYTES = 64 * 1024;

const v = z.literal(SIGNALING_VERSION, {
  error: `unsupported signaling version; this server speaks v${SIGNALING_VERSION}`,
});
const rid = z.string().min(1).max(64).optional();
const peerId = z.string().min(1).max(64);
const roomId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'room id may use letters, digits, ".", "_" and "-"');
const scalar = z.union([z.string().max(256), z.number(), z.boolean()]);

/** `peer-joined` etc. describe a peer with this. */
export const PeerRoleSchema = z.enum(['worker', 'client']);

/** Free-form, filterable facts about a peer (workers get `gpuMemoryMiB` etc. from their info). */
export const PeerPropertiesSchema = z
  .record(z.string().min(1).max(64), scalar)
  .refine((value) => Object.keys(value).length <= 64, 'at most 64 properties');

const credentialId = z.string().min(1).max(64);

/** A peer as the room sees it. */
export const PeerInfoSchema = z.object({
  peerId,
  role: PeerRoleSchema,
  /** A worker's name is bound to its key by the server: no other key may use it. */
  name: z.string().max(128),
  /**
   * Workers: the id of the worker key the peer registered with, attested by the server.
   * Pin a worker by it (`listWorkers(signaling, { keyId })`, `connectToWorker({ keyId })`).
   */
  keyId: credentialId.optional(),
  status: WorkerStatusSchema.optional(),
  info: WorkerInfoSchema.optional(),
  tags: z.array(z.string().max(64)).max(64),
  properties: PeerPropertiesSchema,
  joinedAt: z.number(),
});

const comparison = z
  .object({ $eq: scalar.optional(), $gte: z.number().optional(), $lte: z.number().optional() })
  .strict();

/** Which peers `discover` returns: all conditions must hold. */
export const PeerFilterSchema = z
  .object({
    role: PeerRoleSchema.optional(),
    status: WorkerStatusSchema.optional(),
    /** Every tag listed must be present. */
    tags: z.array(z.string().max(64)).max(32).optional(),
    /** Only the worker(s) registered with this worker key id. */
    keyId: credentialId.optional(),
    /** `{ gpuMemoryMiB: { $gte: 16384 } }`; a bare value means `$eq`. */
    properties: z.record(z.string().min(1).max(64), z.union([scalar, comparison])).optional(),
  })
  .strict();

/** What peers relay to each other (offers, answers, ICE candidates); the server never reads it. */
export const SignalDataSchema = z.record(z.string(), z.unknown());

/**
 * The far end of a link as the signaling server attests it: its peer id, role, the id of
 * the credential it registered with, and its name (bound to the key for a worker).
 */
export const RemotePeerSchema = z.object({
  peerId,
  role: PeerRoleSchema,
  credentialId,
  name: z.string().max(128).optional(),
});

/** Every message a peer may send to the server. */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    v,
    type: z.literal('register'),
    rid,
    role: PeerRoleSchema,
    room: roomId,
    credential: z.string().min(1).max(256),
    /** With `resumeKey`, asks to keep the peer id of an earlier registration. */
    peerId: peerId.optional(),
    resumeKey: z.string().min(1).max(128).optional(),
    name: z.string().max(128).optional(),
    info: WorkerInfoSchema.optional(),
    tags: z.array(z.string().max(64)).max(64).optional(),
    properties: PeerPropertiesSchema.optional(),
  }),
  /** Checks a credential for `role` without registering (no name bound, nobody replaced). */
  z.object({
    v,
    type: z.literal('check'),
    rid,
    role: PeerRoleSchema,
    room: roomId,
    credential: z.string().min(1).max(256),
  }),
  z.object({ v, type: z.literal('discover'), rid, filter: PeerFilterSchema.optional() }),
  z.object({
    v,
    type: z.literal('update'),
    rid,
    status: WorkerStatusSchema.optional(),
    info: WorkerInfoSchema.optional(),
    tags: z.array(z.string().max(64)).max(64).optional(),
    properties: PeerPropertiesSchema.optional(),
  }),
  z.object({ v, type: z.literal('signal'), rid, to: peerId, data: SignalDataSchema }),
  z.object({ v, type: z.literal('ping'), rid, ts: z.number().optional() }),
  z.object({ v, type: z.literal('pong'), rid, ts: z.number().optional() }),
]);

/** Every message the server may send to a peer. */
export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({
    v,
    type: z.literal('registered'),
    rid,
    peerId,
    resumeKey: z.string(),
    room: roomId,
    heartbeatMs: z.number(),
    /** The id of the credential this peer registered with. */
    credentialId,
    /** Ids of the room's revoked credentials (the 10 000 latest): close any link still open with one. */
    revoked: z.array(credentialId).max(10_000),
  }),
  /** Answers `check`: the credential may register as the role asked. */
  z.object({
    v,
    type: z.literal('checked'),
    rid,
    credentialId,
    /** A worker key's bound name, once it has registered a worker. */
    workerName: z.string().max(128).optional(),
  }),
  z.object({ v, type: z.literal('peers'), rid, peers: z.array(PeerInfoSchema) }),
  z.object({ v, type: z.literal('updated'), rid, peer: PeerInfoSchema }),
  z.object({ v, type: z.literal('peer-joined'), peer: PeerInfoSchema }),
  z.object({ v, type: z.literal('peer-updated'), peer: PeerInfoSchema }),
  z.object({
    v,
    type: z.literal('peer-left'),
    peerId,
    reason: z.enum(['closed', 'timeout', 'revoked', 'replaced']),
  }),
  z.object({
    v,
    type: z.literal('signal'),
    from: peerId,
    data: SignalDataSchema,
    /** Stamped by the server: who sent it. */
    sender: RemotePeerSchema.omit({ peerId: true }),
  }),
  /** A credential of the room was revoked: close every link its holder opened. */
  z.object({ v, type: z.literal('revoked'), credentialId }),
  z.object({ v, type: z.literal('ping'), rid, ts: z.number().optional() }),
  z.object({ v, type: z.literal('pong'), rid, ts: z.number().optional() }),
  z.object({
    v,
    type: z.literal('error'),
    rid,
    code: z.string().max(64),
    message: z.string().max(4096),
    /** With `too_many_attempts`: when to try again, ms. */
    retryAfterMs: z.number().int().nonnegative().optional(),
  }),
]);

/** A message to the server. */
export type ClientMessage = z.infer<typeof ClientMessageSchema>;
/** A message from the server. */
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
/** A peer of a room. */
export type PeerInfo = z.infer<typeof PeerInfoSchema>;
/** A `discover` filter. */
export type PeerFilter = z.infer<typeof PeerFilterSchema>;
/** `worker` or `client`. */
export type PeerRole = z.infer<typeof PeerRoleSchema>;
/** Relayed offer, answer or candidate. */
export type SignalData = z.infer<typeof SignalDataSchema>;
/** The far end of a link, as the signaling server attests it. */
export type RemotePeer = z.infer<typeof RemotePeerSchema>;
