import { readFile, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { CliError, ExitCode } from '../errors.js';
import { fsProblem } from './fsProblem.js';
import { writePrivateFile } from './writePrivateFile.js';

/** What `trainwire login` stores for later commands. */
export const CredentialsSchema = z
  .object({
    signalingUrl: z.url({
      protocol: /^wss?$/,
      error: 'signalingUrl must be a ws:// or wss:// URL',
    }),
    room: z.string().min(1).max(64),
    /** Room token (clients) or API key (workers). */
    credential: z.string().min(8).max(512),
    role: z.enum(['client', 'worker']).default('client'),
  })
  .strict();

/** Stored credentials. */
export type Credentials = z.infer<typeof CredentialsSchema>;

/** The credentials file: `$TRAINWIRE_HOME/credentials.json`, else under `~/.config/trainwire`. */
export function credentialsPath(env: Readonly<Record<string, string | undefined>>): string {
  const base =
    env.TRAINWIRE_HOME ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'trainwire');
  return join(base, 'credentials.json');
}

/** Reads the credentials, or undefined when there are none; a damaged file is an error saying what to do. */
export async function readCredentials(path: string): Promise<Credentials | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return CredentialsSchema.parse(JSON.parse(text));
  } catch (error) {
    throw new CliError(
      'credentials_damaged',
      ExitCode.usage,
      `${path} is damaged; run \`trainwire logout\` and \`trainwire login\` again`,
      { cause: error },
    );
  }
}

/** Writes the credentials readable only by the user (0600), atomically: never half a file. */
export async function writeCredentials(path: string, credentials: Credentials): Promise<void> {
  try {
    await writePrivateFile(path, `${JSON.stringify(credentials, null, 2)}\n`);
  } catch (error) {
    throw new CliError(
      'credentials_unwritable',
      ExitCode.usage,
      `cannot save the login in ${path}: ${fsProblem(error)}; set TRAINWIRE_HOME to a folder you can write to`,
      { cause: error },
    );
  }
}

/** Removes the credentials; true if there were some. */
export async function removeCredentials(path: string): Promise<boolean> {
  const existed = await stat(path).then(
    () => true,
    () => false,
  );
  await rm(path, { force: true });
  return existed;
}
