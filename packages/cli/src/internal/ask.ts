import { UsageError } from '../errors.js';
import type { Io } from '../Io.js';

/**
 * A required value: the flag's, else an answer when a person is at a terminal, else a
 * usage error naming the flag. Never prompts under CI or without a TTY.
 */
export async function requireValue(
  io: Io,
  value: string | undefined,
  flag: string,
  question: string,
  choices?: ReadonlyArray<{ name: string; value: string }>,
): Promise<string> {
  if (value !== undefined && value !== '') return value;
  if (!io.interactive) {
    throw new UsageError(
      `missing --${flag}: ${question.replace(/[?:]\s*$/, '')} (no terminal to ask on)`,
    );
  }
  const prompts = await import('@inquirer/prompts');
  if (choices !== undefined && choices.length > 0)
    return prompts.select({ message: question, choices: [...choices] });
  return prompts.input({ message: question, required: true });
}
