import { ExitCode, UsageError } from '../errors.js';
import type { Io } from '../Io.js';
import { type ParsedArgs, stringFlag } from '../internal/args.js';
import { requireValue } from '../internal/ask.js';
import { checkCredentials } from '../internal/checkCredentials.js';
import {
  CredentialsSchema,
  credentialsPath,
  readCredentials,
  removeCredentials,
  writeCredentials,
} from '../internal/credentials.js';

/** What `login` needs from outside; tests shorten the deadline. */
export interface LoginDeps {
  /** How long the signaling server has to accept the credentials, ms. */
  checkTimeoutMs?: number;
}

/**
 * `trainwire login`: checks the signaling URL, room and credential against the server
 * (unless `--no-check`), then stores them (0600) for later commands. A server that cannot
 * be reached, or refuses them, is exit 3 and nothing is saved.
 */
export async function loginCommand(
  args: ParsedArgs,
  io: Io,
  deps: LoginDeps = {},
): Promise<number> {
  const signalingUrl = await requireValue(
    io,
    stringFlag(args, 'url') ?? io.env.TRAINWIRE_URL,
    'url',
    'Signaling server URL (ws://host:port):',
  );
  const room = await requireValue(
    io,
    stringFlag(args, 'room') ?? io.env.TRAINWIRE_ROOM,
    'room',
    'Room:',
  );
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
    const flag = { signalingUrl: 'url', credential: 'token' }[String(issue?.path[0])];
    throw new UsageError(
      `bad --${flag ?? String(issue?.path[0] ?? 'value')}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const checked = args.values['no-check'] !== true;
  if (checked) await checkCredentials(parsed.data, deps.checkTimeoutMs);
  const path = credentialsPath(io.env);
  await writeCredentials(path, parsed.data);
  if (args.values.json === true)
    io.stdout.write(`${JSON.stringify({ saved: path, room, signalingUrl, checked })}\n`);
  else
    io.stdout.write(
      checked
        ? `Logged in to room ${room} at ${signalingUrl}: the server accepted the ${parsed.data.role === 'worker' ? 'worker key' : 'token'}. Saved to ${path} (readable only by you).\n`
        : `Saved room ${room} at ${signalingUrl} to ${path} (readable only by you), without checking them (--no-check).\n`,
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
