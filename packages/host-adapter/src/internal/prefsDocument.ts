import { formatFieldIssues, toFieldIssues } from '@trainwire/core';
import { z } from 'zod';
import { HostAdapterError } from '../errors.js';

/** The prefs document: the keys host-adapter reads; others (cpuOnly, lastRoom, …) are kept. */
const PrefsDocumentSchema = z.looseObject({
  experimental: z.boolean().optional(),
});

/** A parsed prefs document. */
export type PrefsDocument = z.infer<typeof PrefsDocumentSchema>;

/**
 * Parses the stored text (undefined: nothing saved). Throws a `prefs_corrupt`
 * {@link HostAdapterError} naming `where` and what is wrong.
 */
export function parsePrefsDocument(text: string | undefined, where: string): PrefsDocument {
  if (text === undefined || text.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw corrupt(where, 'it is not JSON', error);
  }
  const result = PrefsDocumentSchema.safeParse(json);
  if (!result.success) {
    throw corrupt(where, formatFieldIssues(toFieldIssues(result.error)), result.error);
  }
  return result.data;
}

/** The document as stored text, one key per line. */
export function formatPrefsDocument(document: PrefsDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

function corrupt(where: string, what: string, cause: unknown): HostAdapterError {
  return new HostAdapterError(
    'prefs_corrupt',
    `the preferences in ${where} are damaged (${what}), so experimental features stay off; turning them on in settings saves a fresh copy, or fix or delete it`,
    { cause, details: { where } },
  );
}
