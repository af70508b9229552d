/**
 * The keys and channels a Redis signaling store uses, all under one prefix
 * (`trainwire:` by default). docs/scale-out.md lists them for operators.
 */
export function redisKeys(prefix: string) {
  return {
    /** String: the secret resume keys are signed with (SET NX by the first instance). */
    secret: `${prefix}secret`,
    /** Hash room id → room JSON. */
    rooms: `${prefix}rooms`,
    /** Hash credential id → credential JSON (salted hash, never the secret). */
    credentials: `${prefix}credentials`,
    /** Set of the credential ids of a room. */
    roomCredentials: (room: string) => `${prefix}room:${room}:credentials`,
    /** Hash normalized worker name → the worker key id that holds it. */
    roomNames: (room: string) => `${prefix}room:${room}:names`,
    /** Hash peer id → presence JSON (with the instance it is on). */
    roomPeers: (room: string) => `${prefix}room:${room}:peers`,
    /** Sorted set instance id → end of its lease (ms since the epoch). */
    instances: `${prefix}instances`,
    /** Set of "room\npeerId" an instance holds, for expiring them when it dies. */
    instancePeers: (instance: string) => `${prefix}instance:${instance}:peers`,
    /** Channel: changes in a room (peer joined, updated, left). */
    roomChannel: (room: string) => `${prefix}room:${room}`,
    /** Channel: signals and orders for the peers of one instance. */
    instanceChannel: (instance: string) => `${prefix}instance:${instance}`,
    /** Channel: revoked credentials, for every instance. */
    revocations: `${prefix}revocations`,
  };
}

/** Compare-and-delete of a hash field: deletes `field` only while its value is `expected`. */
export const DELETE_IF_EQUAL = `
if redis.call('hget', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('hdel', KEYS[1], ARGV[1])
end
return 0`;

/** Deletes a presence entry only while instance `ARGV[2]` holds it; SREMs it from that instance's set. */
export const WITHDRAW_PEER = `
local value = redis.call('hget', KEYS[1], ARGV[1])
redis.call('srem', KEYS[2], ARGV[3])
if value and cjson.decode(value).instance == ARGV[2] then
  return redis.call('hdel', KEYS[1], ARGV[1])
end
return 0`;
