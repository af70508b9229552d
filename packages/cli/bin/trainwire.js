#!/usr/bin/env node
// The `trainwire` command. Kept tiny: the commands load their modules when they run.
import { main } from '../dist/main.js';

// A finished command exits even when a socket or timer of a broken link lingers (a
// connection that could not say goodbye): after a moment for stdout to drain, the process
// goes with the command's code. The timer is unref'd, so a clean exit is not delayed.
function exitSoon(code) {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 1_500).unref();
}

main(process.argv.slice(2)).then(exitSoon, (error) => {
  process.stderr.write(`trainwire: ${error instanceof Error ? error.message : String(error)}\n`);
  exitSoon(1);
});
