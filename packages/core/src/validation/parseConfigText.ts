import { parseDocument } from 'yaml';
import { TrainwireError } from '../errors.js';

/**
 * Reads a trainer config from YAML or JSON text (JSON is YAML, so one parser reads both).
 * Throws `config_parse_failed` naming the file, line and column of the first error, and
 * when the top level is not a mapping.
 */
export function parseConfigText(text: string, source = 'config'): Record<string, unknown> {
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const first = document.errors[0];
  if (first !== undefined) {
    const offset = first.pos[0];
    const before = text.slice(0, offset).split('\n');
    const at = ` at line ${before.length}, column ${(before[before.length - 1]?.length ?? 0) + 1}`;
    throw new TrainwireError(
      'config_parse_failed',
      `${source} is not valid YAML or JSON${at}: ${first.message.split('\n')[0]}`,
    );
  }
  const value: unknown = document.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TrainwireError(
      'config_parse_failed',
      `${source} must be a mapping of settings (key: value) at the top level`,
    );
  }
  return value as Record<string, unknown>;
}
