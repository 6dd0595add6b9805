/**
 * The targets a bench file checks, collected so that bench/chart.ts can draw them: each row is a per-round ratio
 * (median, p25, p75) and its target. A run writes them to bench/out/<bench>.json (BENCH_OUT to change the folder).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEED, type Ratio } from './harness.js';

export interface TargetRow {
  bench: string;
  label: string;
  ratio: Ratio;
  /** The ratio must be at most this. */
  target: number;
}

export const targets: TargetRow[] = [];

export function writeTargets(bench: string): void {
  const dir = process.env.BENCH_OUT ?? join(dirname(fileURLToPath(import.meta.url)), 'out');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${bench}.json`);
  writeFileSync(file, `${JSON.stringify({ bench, seed: SEED, node: process.version, date: new Date().toISOString(), targets }, null, 2)}\n`);
  console.log(`targets written to ${file}`);
}
