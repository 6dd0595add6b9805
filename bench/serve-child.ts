/**
 * Runs one `oauthbearer` command module (`serve`, ...) or the prepared-bytes floor server in its own process for
 * bench/broker.bench.ts, with the process's stdio as its CliIO. SIGUSR2 prints `heap <bytes>` (after two full
 * GCs when started with --expose-gc) and `rss <bytes>` on stderr. SIGTERM stops it.
 * Run: node --expose-gc --import tsx bench/serve-child.ts serve --listen 127.0.0.1:0
 * (BENCH_SERVE_BUILD=DIR: serve from src/ compiled into DIR by bench/build.ts instead of from src/ through tsx;
 * BENCH_SERVE_OUT=FILE: serve's lines after "listening on" to FILE)
 */
import { openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CliIO, Command } from '../src/node/cli/io.js';

const [name, ...argv] = process.argv.slice(2);
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
process.on('SIGINT', () => controller.abort());
process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  process.stderr.write(`heap ${m.heapUsed}\nrss ${m.rss}\n`);
});
// BENCH_SERVE_OUT=FILE: the lines after "listening on ..." go to FILE (written synchronously, as Node writes a
// process's stdout redirected to a file), not to the pipe: the parent learns the port from stdout and then reads
// nothing more, so a load generator in the parent does not pay for serve's event lines, which the floor does not print.
const outFile = process.env.BENCH_SERVE_OUT;
const outFd = outFile === undefined || outFile === '' ? null : openSync(outFile, 'a');
let listening = false;
const io: CliIO = {
  out: (line) => {
    if (outFd !== null && listening) {
      writeSync(outFd, `${line}\n`);
      return;
    }
    process.stdout.write(`${line}\n`);
    if (line.startsWith('listening on ')) listening = true;
  },
  err: (line) => void process.stderr.write(`${line}\n`),
  stdin: async () => '',
  signal: controller.signal,
  env: process.env,
};
// BENCH_SERVE_BUILD: a folder holding src/ compiled by tsc (bench/build.ts), so that serve runs as users run it,
// not through tsx (whose keepNames transform adds a defineProperty call per closure made: ~40 µs per connection).
const build = process.env.BENCH_SERVE_BUILD;
const module = (name === 'floor' ? await import('./floor-server.js')
  : build !== undefined && build !== '' ? await import(pathToFileURL(join(build, 'node', 'cli', `${name}.js`)).href)
  : await import(`../src/node/cli/${name}.js`)) as { command: Command };
process.exitCode = await module.command.run(argv, io);
