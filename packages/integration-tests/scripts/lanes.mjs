// Runs the integration tests in two lanes at once: the fault tests that spend minutes
// waiting on the clock with little CPU (links down for 20, 45 and 60 s; processes killed
// and restarted; a disk filling up), and everything else. Inside a lane files run one at a time, as before. Each lane writes its
// own vitest JSON; they are merged into .vitest/results.json, which the root test summary
// reads. Exit status: the first failing lane's, else 0.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// The fault tests that mostly wait: links down, processes killed and restarted, a disk
// filling up. (Before connects restarted a stalled attempt, a first connect beside the
// other lane's load could run past its 20 s; see docs/architecture.md.)
const WAITING = [
  'test/faults.linkDown.test.ts',
  'test/faults.crash.test.ts',
  'test/faults.diskFull.test.ts',
];
const LANES = [
  { name: 'waits', args: WAITING },
  { name: 'rest', args: WAITING.flatMap((file) => ['--exclude', file]) },
];
const resultsOf = (lane) => `.vitest/results.${lane}.json`;

rmSync(`${root}.vitest`, { recursive: true, force: true });
mkdirSync(`${root}.vitest`, { recursive: true });

function run(lane) {
  return new Promise((resolve) => {
    const child = spawn(
      'npx',
      [
        'vitest',
        'run',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${resultsOf(lane.name)}`,
        ...lane.args,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env },
    );
    // Lines from both lanes interleave: each says which lane it is from.
    const prefix = (stream, out) => {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (text) => {
        const lines = (rest + text).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) out.write(`[${lane.name}] ${line}\n`);
      });
      stream.on('end', () => {
        if (rest !== '') out.write(`[${lane.name}] ${rest}\n`);
      });
    };
    prefix(child.stdout, process.stdout);
    prefix(child.stderr, process.stderr);
    child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

const codes = await Promise.all(LANES.map(run));

// One results file, as a single vitest run would have written it.
const merged = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0 };
const files = [];
for (const lane of LANES) {
  let results;
  try {
    results = JSON.parse(readFileSync(`${root}${resultsOf(lane.name)}`, 'utf8'));
  } catch {
    console.error(`integration-tests: lane "${lane.name}" wrote no results`);
    codes.push(1);
    continue;
  }
  for (const key of Object.keys(merged)) merged[key] += results[key] ?? 0;
  files.push(...(results.testResults ?? []));
}
writeFileSync(
  `${root}.vitest/results.json`,
  `${JSON.stringify({ ...merged, success: codes.every((c) => c === 0), testResults: files })}\n`,
);
process.exit(codes.find((code) => code !== 0) ?? 0);
