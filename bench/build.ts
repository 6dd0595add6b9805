/**
 * Compiles src/ with tsc into .tmp/bench-build (git-ignored, inside the repository so that its imports find
 * node_modules and package.json's "type": "module"), for bench/broker.bench.ts and bench/memory.ts to run serve as
 * users run it (dist/, plain JavaScript) rather than through tsx. Fresh on every run, so never stale.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds src/ and returns the folder (its node/cli/serve.js is serve). */
export function buildServe(): string {
  const out = join(root, '.tmp', 'bench-build');
  rmSync(out, { recursive: true, force: true });
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json'), '--outDir', out, '--declaration', 'false', '--sourceMap', 'false', '--inlineSources', 'false'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`tsc failed (${r.status}): serve cannot be built for the benchmark`);
  return out;
}
