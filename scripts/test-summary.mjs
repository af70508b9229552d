// Prints one line per package and a total from the JSON that each package's vitest run
// wrote (.vitest/results.json), so a CI log says in one place how many tests ran, and
// whether any were skipped. Fails when a package wrote no results or any test failed.
// `--clear` removes the results of an earlier run first (npm test does that).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Every workspace folder: the libraries under packages/ and the apps under apps/.
const packages = ['packages', 'apps']
  .flatMap((folder) => readdirSync(join(root, folder)).map((name) => join(root, folder, name)))
  .sort()
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => pkg.scripts?.test);
const resultsOf = (dir) => join(dir, '.vitest', 'results.json');

if (process.argv.includes('--clear')) {
  for (const { dir } of packages) rmSync(resultsOf(dir), { force: true });
  process.exit(0);
}

const total = { passed: 0, failed: 0, skipped: 0 };
let problems = 0;
for (const { dir, pkg } of packages) {
  let results;
  try {
    results = JSON.parse(readFileSync(resultsOf(dir), 'utf8'));
  } catch {
    console.log(`${pkg.name.padEnd(32)} no results from this run`);
    problems++;
    continue;
  }
  const skipped = results.numPendingTests + results.numTodoTests;
  total.passed += results.numPassedTests;
  total.failed += results.numFailedTests;
  total.skipped += skipped;
  console.log(
    `${pkg.name.padEnd(32)} ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`,
  );
}
console.log(
  `all packages: ${total.passed} tests passed, ${total.failed} failed, ${total.skipped} skipped`,
);
if (problems > 0 || total.failed > 0) process.exit(1);
