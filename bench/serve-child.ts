/**
 * Runs one `oauthbearer` command module (`serve`, ...) or the prepared-bytes floor server in its own process for
 * bench/broker.bench.ts, with the process's stdio as its CliIO. SIGUSR2 prints `heap <bytes>` (after two full
 * GCs when started with --expose-gc) and `rss <bytes>` on stderr. SIGTERM stops it.
 * Run: node --expose-gc --import tsx bench/serve-child.ts serve --listen 127.0.0.1:0
 * (BENCH_SERVE_BUILD=DIR: serve from src/ compiled into DIR by bench/build.ts instead of from src/ through tsx)
 */
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
const io: CliIO = {
  out: (line) => void process.stdout.write(`${line}\n`),
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
