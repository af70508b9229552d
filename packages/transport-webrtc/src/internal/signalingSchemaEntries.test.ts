import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { protocolSchemaEntries, schemaFileProblems, toJsonSchemas } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { signalingSchemaEntries } from './signalingSchemaEntries.js';

const DIR = fileURLToPath(new URL('../../../../docs/schemas/', import.meta.url));
/** The files of docs/schemas/ this package generates (core's test checks the others). */
const OURS = /^(signaling|link-signal|channel)\./;

describe('docs/schemas: signaling and data-channel schemas generated from the zod source', () => {
  const generated = toJsonSchemas(signalingSchemaEntries(), protocolSchemaEntries());

  it('are the committed files (run `node scripts/generate-schemas.mjs` after a schema change)', () => {
    const committed = Object.fromEntries(
      readdirSync(DIR)
        .filter((file) => file.endsWith('.json'))
        .map((file) => [file, JSON.parse(readFileSync(`${DIR}${file}`, 'utf8'))]),
    );
    expect(schemaFileProblems(generated, committed, (file) => OURS.test(file))).toEqual([]);
  });

  it('refer to the control protocol by $ref, not a copy', () => {
    // A registration's info is the control protocol's WorkerInfo.
    expect(JSON.stringify(generated['signaling.client-message.json'])).toContain(
      '"$ref":"worker-info.json"',
    );
  });
});
