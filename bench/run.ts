/**
 * Runs every benchmark in bench/ (files named *.bench.ts), each in a fresh Node process so that one file's heap
 * and JIT state cannot skew the next, all with one seed (printed; `--seed n` or BENCH_SEED to repeat a run's case
 * orders). `npm run bench [name-fragment...]` runs only the matching files; then `npx tsx bench/chart.ts` draws
 * bench/chart.svg from the targets they wrote to bench/out/.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { cpus, loadavg } from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let seed = process.env.BENCH_SEED ?? String(randomInt(2 ** 32 - 1));
const only: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--seed') seed = args[++i] ?? seed;
  else if (args[i]!.startsWith('--seed=')) seed = args[i]!.slice(7);
  else only.push(args[i]!);
}
const cpu = cpus();
console.log(`bench run: seed ${seed}; node ${process.version}; ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; ${new Date().toISOString()}`);
let failed = 0;
for (const file of readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort()) {
  if (only.length > 0 && !only.some((o) => file.includes(o))) continue;
  console.log(`\n# ${file}\n\nload average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], { stdio: 'inherit', env: { ...process.env, BENCH_SEED: seed } });
  if (result.status !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
