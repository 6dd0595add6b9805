// A small process entry for `serve` and `connect` until the dispatcher lists them (the integrator adds them to
// src/node/cli/main.ts): `npx tsx test/node/cli-entry.ts serve --listen 127.0.0.1:0`. SIGINT and SIGTERM abort
// the command's signal, as the real bin does; the exit code is the command's.
import { command as serve } from '../../src/node/cli/serve.js';
import { command as connect } from '../../src/node/cli/connect.js';

const [name, ...argv] = process.argv.slice(2);
const command = name === 'serve' ? serve : name === 'connect' ? connect : null;
if (command === null) {
  process.stderr.write('usage: cli-entry.ts serve|connect [arguments]\n');
  process.exit(2);
}
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());
const code = await command.run(argv, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stdin: async () => {
    let text = '';
    for await (const chunk of process.stdin) text += String(chunk);
    return text;
  },
  signal: controller.signal,
  env: process.env,
});
process.exitCode = code;
