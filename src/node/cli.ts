#!/usr/bin/env node
/**
 * The `oauthbearer` bin: the dispatcher (src/node/cli/main.ts) on the real process. A reader that goes away
 * (`oauthbearer vectors ... | head`) ends the run quietly: EPIPE on stdout exits at once, without a trace. An
 * error that escapes every command (a throw in a socket handler, say) is a bug: one line, exit 1, no stack.
 */
import { packageVersion } from './cli/help.js';
import { nodeCliIO, runCli } from './cli/main.js';

for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw err;
  });
}

const bug = (err: unknown): void => {
  const what = err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]!.slice(0, 300)}` : String(err).slice(0, 300);
  try {
    process.stderr.write(`oauthbearer: internal error (a bug in oauthbearer ${packageVersion()}; please report it with the command line): ${what}\n`);
  } finally {
    process.exit(1);
  }
};
process.on('uncaughtException', bug);
process.on('unhandledRejection', bug);

process.exitCode = await runCli(process.argv.slice(2), nodeCliIO());
