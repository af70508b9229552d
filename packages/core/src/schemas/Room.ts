import { z } from 'zod';

/** A room on a signaling server: the peers that may see and reach each other. */
export const RoomSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._-]+$/, 'room id may use letters, digits, ".", "_" and "-"'),
  name: z.string().max(128).optional(),
  createdAt: z.number().nonnegative(),
  workers: z.number().int().nonnegative().default(0),
  clients: z.number().int().nonnegative().default(0),
});

/** A room. */
export type Room = z.infer<typeof RoomSchema>;
