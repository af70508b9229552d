/// <reference types="node" />
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { protocolSchemaEntries } from './protocolSchemas.js';
import { schemaFileProblems, toJsonSchemas } from './toJsonSchemas.js';

/** The committed schema files of `dir`, parsed (key order kept: a reorder is a change). */
function committedSchemas(dir: string): Record<string, unknown> {
  const files: Record<string, unknown> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')))
    files[file] = JSON.parse(readFileSync(`${dir}${file}`, 'utf8'));
  return files;
}

const DIR = fileURLToPath(new URL('../../../../docs/schemas/', import.meta.url));
/** Files of docs/schemas/ that transport-webrtc generates (its own test checks them). */
const SIGNALING = /^(signaling|link-signal|channel)\./;

describe('docs/schemas: the JSON Schemas generated from the zod source', () => {
  const generated = toJsonSchemas(protocolSchemaEntries());

  it('are the committed files (run `node scripts/generate-schemas.mjs` after a schema change)', () => {
    expect(schemaFileProblems(generated, committedSchemas(DIR), (f) => !SIGNALING.test(f))).toEqual(
      [],
    );
  });

  it('cover every frame, method and error code with details', () => {
    const files = Object.keys(generated);
    expect(files).toContain('frame.request.json');
    expect(files).toContain('method.job.attach.params.json');
    expect(files).toContain('method.upload.finish.result.json');
    expect(files).toContain('error-details.path_denied.json');
    const attach = generated['method.job.attach.params.json'] as Record<string, unknown>;
    // Strict params: an unknown key is bad_params, so the schema forbids it too.
    expect(attach.additionalProperties).toBe(false);
    expect(attach.required).toEqual(['jobId']);
    const start = generated['method.job.start.params.json'] as {
      properties: { spec: { $ref?: string } };
    };
    expect(start.properties.spec.$ref).toBe('job-spec.json');
  });
});
