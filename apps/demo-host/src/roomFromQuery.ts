/** Where the page finds its room: the query `trainwire up --keep-running` prints. */
export interface RoomQuery {
  /** The signaling server, `ws://HOST:PORT`. */
  signal: string;
  room: string;
  /** A room token (client credential). */
  token: string;
  /** Epochs of the built-in job Run submits. */
  epochs: number;
}

/** Default epochs of the demo job (the CLI's `quick` preset). */
export const DEFAULT_EPOCHS = 8;

/**
 * Reads `?signal=ws://…&room=…&token=…[&epochs=N]`; returns a sentence saying what is
 * missing instead of throwing.
 */
export function roomFromQuery(search: string): RoomQuery | string {
  const query = new URLSearchParams(search);
  const signal = query.get('signal') ?? '';
  const room = query.get('room') ?? '';
  const token = query.get('token') ?? '';
  const missing = [
    signal === '' ? 'signal' : null,
    room === '' ? 'room' : null,
    token === '' ? 'token' : null,
  ].filter((name): name is string => name !== null);
  if (missing.length > 0)
    return `The page's address has no ${missing.join(', ')}: open the URL \`trainwire up --keep-running\` prints (…?signal=ws://HOST:PORT&room=ROOM&token=TOKEN).`;
  if (!/^wss?:\/\//.test(signal))
    return `signal=${signal} is not a WebSocket URL: it must start with ws:// or wss://.`;
  const asked = Number(query.get('epochs') ?? DEFAULT_EPOCHS);
  const epochs = Number.isInteger(asked) && asked > 0 && asked <= 1000 ? asked : DEFAULT_EPOCHS;
  return { signal, room, token, epochs };
}
