#!/usr/bin/env node
// Writes docs/schemas/*.json, the JSON Schemas of the wire protocol, from the zod schemas
// they are generated from: core's control protocol and transport-webrtc's signaling
// messages, link signals and data-channel frames. Reads the packages' dist/, so build
// first: `npm run build -w @trainwire/core -w @trainwire/transport-webrtc`.
// A test in each package fails when the committed files differ from what this writes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (pkg, file) => join(root, 'packages', pkg, 'dist', file);

const { toJsonSchemas } = await import(dist('core', 'protocol/toJsonSchemas.js'));
const { protocolSchemaEntries } = await import(dist('core', 'protocol/protocolSchemas.js'));
const { signalingSchemaEntries } = await import(
  dist('transport-webrtc', 'internal/signalingSchemaEntries.js')
);

const protocol = protocolSchemaEntries();
const files = {
  ...toJsonSchemas(protocol),
  ...toJsonSchemas(signalingSchemaEntries(), protocol),
};
const out = join(root, 'docs', 'schemas');
mkdirSync(out, { recursive: true });
for (const file of readdirSync(out)) if (file.endsWith('.json')) rmSync(join(out, file));
for (const [file, schema] of Object.entries(files)) {
  writeFileSync(join(out, file), `${JSON.stringify(schema, null, 2)}\n`);
}
// The repo's formatter has the last word on layout (the tests compare parsed JSON).
execFileSync('npx', ['biome', 'format', '--write', out], { cwd: root, stdio: 'inherit' });
console.log(`wrote ${Object.keys(files).length} schemas to docs/schemas/`);
