// Writes docs/reliability.md from the fault suite's own results
// (packages/integration-tests/.vitest/faults/*.json, one written by each fault test as it ends),
// so the table of faults, inputs and outcomes cannot drift from the code that produced it.
// Run after the integration tests (their `test` script does); without results it leaves
// the page alone and says so.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'packages', 'integration-tests', '.vitest', 'faults');
const target = join(root, 'docs', 'reliability.md');

let records;
try {
  records = readdirSync(source)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(source, name), 'utf8')));
  if (records.length === 0) throw new Error('no records');
} catch {
  console.log(
    `reliability-report: no fault results in ${source}; docs/reliability.md left as it is`,
  );
  process.exit(0);
}

const GROUPS = {
  '0 link impairer': 'The link impairer itself',
  '1 link': 'A bad link between client and worker',
  '2 upload': 'Uploads over a bad link',
  '3 process': 'Processes that die',
  '4 disk': 'A full disk on the worker',
  '5 load': 'Load and garbage',
};

/** Run-specific names (temporary folders, job and peer ids) become placeholders. */
function neutral(text) {
  return String(text)
    .replace(/\/tmp\/twlab-[\w-]+\/tmpfs-\w+/g, 'DATA_DIR')
    .replace(/\/tmp\/twlab-[\w-]+/g, 'LAB')
    .replace(/job-[a-z0-9]{8}-[a-z0-9]{7}/g, 'JOB')
    .replace(/\/tmp\/twl[\w-]*/g, 'LAB')
    .replace(/connection [0-9a-f]{16}/g, 'connection …');
}

/** Text for one table cell. */
function cell(text) {
  return neutral(text)
    .replaceAll('|', '\\|')
    .replace(/\s*\n\s*/g, ' ');
}

/** `["a", "b."]` → `"a. b."` */
function sentences(list) {
  return list.map((s) => s.replace(/\.+$/, '')).join('. ') + (list.length > 0 ? '.' : '');
}

function measured(values) {
  return Object.entries(values)
    .map(([key, value]) => `${key}: ${value}`)
    .join('; ');
}

records.sort((a, b) => a.group.localeCompare(b.group) || a.id.localeCompare(b.id));
const passed = records.filter((r) => r.outcome === 'pass').length;
const failed = records.length - passed;
const newest =
  records
    .map((r) => r.at)
    .sort()
    .at(-1) ?? '';
const seconds = records.reduce((sum, r) => sum + r.durationS, 0);

const lines = [
  '# Reliability',
  '',
  '<!-- Written by scripts/reliability-report.mjs from the fault suite’s results; do not edit by hand. -->',
  '',
  'What happens when things break on purpose. `packages/integration-tests` runs the real',
  '`trainwire` binary as separate processes — the signaling server and the worker in one',
  'network namespace, the client in another — joined by a link that a relay of the suite',
  'forwards in user space (`test/fixtures/linkRelay.py`: a TUN device in each namespace; a',
  'delay, a loss rate, a rate cap, or nothing at all), so every signaling and WebRTC packet',
  'between the client and the others crosses it. The machines it runs on have no `netem`.',
  'Trainers are the built-in trainer, paced to about one epoch a second (`paceEpochs.mjs`).',
  '',
  'Run it with `npm test` (root; it runs as root, for the namespaces) or',
  '`npm test -w @trainwire/integration-tests`; this page is rewritten after each run.',
  '',
  `Last run: ${newest.slice(0, 10)} — ${records.length} scenarios, ${passed} passed, ${failed} failed (${Math.round(seconds)} s of scenario time; the link-down scenarios run side by side).`,
  '',
];

for (const [group, title] of Object.entries(GROUPS)) {
  const rows = records.filter((r) => r.group === group);
  if (rows.length === 0) continue;
  lines.push(`## ${title}`, '');
  lines.push('| fault | what was tried | what happened | measured | result |');
  lines.push('| --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const result =
      r.outcome === 'pass' ? 'pass' : `**fail**: ${cell(r.failure ?? 'see the test output')}`;
    lines.push(
      `| ${cell(r.fault)} | ${cell(r.tried)} | ${cell(sentences(r.happened) || '—')} | ${cell(measured(r.measured) || '—')} | ${result} |`,
    );
  }
  lines.push('');
}

const unknown = records.filter((r) => !(r.group in GROUPS));
if (unknown.length > 0) {
  lines.push('## Other', '', '| fault | what was tried | what happened | measured | result |');
  lines.push('| --- | --- | --- | --- | --- |');
  for (const r of unknown)
    lines.push(
      `| ${cell(r.fault)} | ${cell(r.tried)} | ${cell(sentences(r.happened))} | ${cell(measured(r.measured))} | ${r.outcome} |`,
    );
  lines.push('');
}

writeFileSync(target, lines.join('\n'));
console.log(`reliability-report: docs/reliability.md — ${passed} passed, ${failed} failed`);
