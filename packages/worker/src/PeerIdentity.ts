import { z } from 'zod';

/**
 * The far end of a connection as the signaling server attests it (over WebRTC the CLI
 * passes `transport.remote`: the server stamps the credential id and role itself, so a
 * peer cannot claim another's). A connection accepted without one is the embedded or
 * local mode (the same process, `trainwire up`) and has full rights.
 */
export const PeerIdentitySchema = z.object({
  /** The public id of the credential that opened the link (a room token's or key's `<id>`). */
  credentialId: z.string().min(1).max(128),
  /** What that credential is: `client` (room token), `worker` (worker key), `admin`. */
  role: z.enum(['client', 'worker', 'admin']),
  /** The peer's name as the server knows it, for messages and logs. */
  name: z.string().max(128).optional(),
});

/** Who is on the other end of a connection; see {@link PeerIdentitySchema}. */
export type PeerIdentity = z.infer<typeof PeerIdentitySchema>;

/** Who started a job: the credential of the connection that sent `job.start`. */
export interface JobOwner {
  credentialId: string;
  /** The peer's name when it started the job (for display only; the id decides). */
  name?: string;
}
