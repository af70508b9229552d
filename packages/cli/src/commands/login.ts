import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import { type ParsedArgs, stringFlag } from '../internal/args.js';
import { requireValue } from '../internal/ask.js';
import {
  CredentialsSchema,
  credentialsPath,
  readCredentials,
  removeCredentials,
  writeCredentials,
} from '../internal/credentials.js';

/** `trainwire login`: stores the signaling URL, room and credential (0600) for later commands. */
export async function loginCommand(args: ParsedArgs, io: Io): Promise<number> {
  const signalingUrl = await requireValue(
    io,
    stringFlag(args, 'url'),
    'url',
    'Signaling server URL (ws://host:port):',
  );
  const room = await requireValue(io, stringFlag(args, 'room'), 'room', 'Room:');
  const credential = await requireValue(
    io,
    stringFlag(args, 'token') ?? io.env.TRAINWIRE_TOKEN,
    'token',
    'Room token or API key:',
  );
  const parsed = CredentialsSchema.safeParse({
    signalingUrl,
    room,
    credential,
    role: stringFlag(args, 'role') ?? 'client',
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `bad ${String(issue?.path[0] ?? 'value')}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const path = credentialsPath(io.env);
  await writeCredentials(path, parsed.data);
  if (args.values.json === true)
    io.stdout.write(`${JSON.stringify({ saved: path, room, signalingUrl })}\n`);
  else
    io.stdout.write(
      `Logged in to room ${room} at ${signalingUrl}. Saved to ${path} (readable only by you).\n`,
    );
  return ExitCode.ok;
}

/** `trainwire logout`: forgets the stored credentials. */
export async function logoutCommand(args: ParsedArgs, io: Io): Promise<number> {
  const path = credentialsPath(io.env);
  const existed = await removeCredentials(path);
  if (args.values.json === true) io.stdout.write(`${JSON.stringify({ removed: existed })}\n`);
  else io.stdout.write(existed ? `Logged out; removed ${path}.\n` : 'Not logged in.\n');
  return ExitCode.ok;
}

/** `trainwire whoami`: the stored signaling URL and room (never the secret). */
export async function whoamiCommand(args: ParsedArgs, io: Io): Promise<number> {
  const credentials = await readCredentials(credentialsPath(io.env));
  if (credentials === undefined) {
    if (args.values.json === true) io.stdout.write(`${JSON.stringify({ loggedIn: false })}\n`);
    else
      io.stdout.write(
        'Not logged in. Run `trainwire login --url ws://HOST:PORT --room ROOM --token TOKEN`.\n',
      );
    return ExitCode.usage;
  }
  const { signalingUrl, room, role } = credentials;
  if (args.values.json === true)
    io.stdout.write(`${JSON.stringify({ loggedIn: true, signalingUrl, room, role })}\n`);
  else io.stdout.write(`${role} in room ${room} at ${signalingUrl}\n`);
  return ExitCode.ok;
}
