/**
 * A small benchmark harness: each case runs in the same process and the same run as its peers and floors, and
 * the report gives ns/op and the ratio to a named baseline. Timing uses `performance.now()`.
 *
 * Method: warm up, then take `samples` batches, each sized to last about `batchMs`; report the median ns/op.
 */

export interface BenchCase {
  name: string;
  /** One operation. May be async; then each call is awaited. */
  fn: () => unknown;
}

export interface BenchResult {
  name: string;
  nsPerOp: number;
  /** Spread of the batch medians: (p75 - p25) / median. */
  spread: number;
}

export interface BenchOptions {
  samples?: number;
  batchMs?: number;
  warmupMs?: number;
}

async function timeBatch(fn: () => unknown, n: number, isAsync: boolean): Promise<number> {
  const start = performance.now();
  if (isAsync) for (let i = 0; i < n; i++) await fn();
  else for (let i = 0; i < n; i++) fn();
  return performance.now() - start;
}

/** Measures one case: median ns/op over `samples` batches. */
export async function measure(c: BenchCase, options: BenchOptions = {}): Promise<BenchResult> {
  const samples = options.samples ?? 15;
  const batchMs = options.batchMs ?? 100;
  const probe = c.fn();
  const isAsync = probe instanceof Promise;
  if (isAsync) await probe;
  // Warm up and size the batch.
  let n = 1;
  const warmupEnd = performance.now() + (options.warmupMs ?? 300);
  let elapsed = 0;
  while (performance.now() < warmupEnd || elapsed < batchMs / 4) {
    elapsed = await timeBatch(c.fn, n, isAsync);
    if (elapsed < batchMs / 4) n *= 2;
  }
  n = Math.max(1, Math.round((n * batchMs) / Math.max(elapsed, 0.001)));
  const perOp: number[] = [];
  for (let s = 0; s < samples; s++) perOp.push(((await timeBatch(c.fn, n, isAsync)) * 1e6) / n);
  perOp.sort((a, b) => a - b);
  const q = (p: number): number => perOp[Math.min(perOp.length - 1, Math.floor(p * perOp.length))]!;
  const median = q(0.5);
  return { name: c.name, nsPerOp: median, spread: (q(0.75) - q(0.25)) / median };
}

function formatNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

/**
 * Runs a group of cases in one run and prints a table with each case's ratio to `baseline` (a case name).
 * Returns the results so a caller can check targets.
 */
export async function compare(
  title: string,
  cases: BenchCase[],
  baseline: string,
  options: BenchOptions = {},
): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const c of cases) results.push(await measure(c, options));
  const base = results.find((r) => r.name === baseline);
  console.log(`\n## ${title}\n`);
  console.log(`| case | time/op | × ${baseline} | spread |`);
  console.log('|---|---:|---:|---:|');
  for (const r of results) {
    const ratio = base ? (r.nsPerOp / base.nsPerOp).toFixed(2) : 'n/a';
    console.log(`| ${r.name} | ${formatNs(r.nsPerOp)} | ${ratio} | ±${(r.spread * 100).toFixed(0)}% |`);
  }
  return results;
}
