#!/usr/bin/env node
/**
 * The `oauthbearer` bin: the dispatcher (src/node/cli/main.ts) on the real process. A reader that goes away
 * (`oauthbearer vectors ... | head`) ends the run quietly: EPIPE on stdout exits at once, without a trace.
 */
import { nodeCliIO, runCli } from './cli/main.js';

for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw err;
  });
}

process.exitCode = await runCli(process.argv.slice(2), nodeCliIO());
