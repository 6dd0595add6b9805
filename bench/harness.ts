/**
 * A small benchmark harness: each case runs in the same process and the same run as its peers and floors, and
 * the report gives ns/op and the ratio to a named baseline. Timing uses `performance.now()`.
 *
 * Method ({@link compare}): the machine is a shared 2-core VM whose speed drifts by 10-50% within seconds, so
 * timing the cases one after another made a floor look 1.5x faster or slower from run to run. Instead every case
 * is timed once per ROUND in a short batch (about `batchMs`), the cases in a rotating order; a case's ratio is
 * the median over rounds of its batch time over the baseline's batch time in the same round, so drift slower
 * than a round cancels. Time per op is the median batch.
 */

export interface BenchCase {
  name: string;
  /** One operation. May be async; then each call is awaited. */
  fn: () => unknown;
}

export interface BenchResult {
  name: string;
  nsPerOp: number;
  /** Spread: (p75 - p25) / median of the batches (of the per-round ratios, from {@link compare}). */
  spread: number;
  /** From {@link compare}: median over rounds of this case's time over the baseline's in the same round. */
  ratio?: number;
}

export interface BenchOptions {
  samples?: number;
  batchMs?: number;
  warmupMs?: number;
  /** Rounds of {@link compare}; default 61. */
  rounds?: number;
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
 * Runs a group of cases in one run, round-robin (see the module comment), and prints a table with each case's
 * median time and its ratio to `baseline` (a case name). Returns the results, with `ratio`, so a caller can check
 * targets: compare two cases by their `ratio`s, not their times.
 */
export async function compare(
  title: string,
  cases: BenchCase[],
  baseline: string,
  options: BenchOptions = {},
): Promise<BenchResult[]> {
  const batchMs = options.batchMs ?? 4;
  const rounds = options.rounds ?? 61;
  const sizes: number[] = [];
  const isAsync: boolean[] = [];
  for (const c of cases) {
    await measure(c, { samples: 1, batchMs: batchMs * 4, warmupMs: options.warmupMs ?? 150 }); // JIT, caches
    const probe = await measure(c, { samples: 3, batchMs, warmupMs: 0 });
    sizes.push(Math.max(1, Math.round((batchMs * 1e6) / probe.nsPerOp)));
    isAsync.push(c.fn() instanceof Promise);
  }
  const b = cases.findIndex((c) => c.name === baseline);
  if (b < 0) throw new Error(`no case named ${baseline}`);
  const times: number[][] = cases.map(() => []);
  const ratios: number[][] = cases.map(() => []);
  const round: number[] = cases.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (r + k) % cases.length;
      round[i] = ((await timeBatch(cases[i]!.fn, sizes[i]!, isAsync[i]!)) * 1e6) / sizes[i]!;
    }
    for (let i = 0; i < cases.length; i++) {
      times[i]!.push(round[i]!);
      ratios[i]!.push(round[i]! / round[b]!);
    }
  }
  const quantile = (values: number[], q: number): number => [...values].sort((x, y) => x - y)[Math.floor(q * (values.length - 1))]!;
  const results = cases.map((c, i): BenchResult => {
    const ratio = quantile(ratios[i]!, 0.5);
    return { name: c.name, nsPerOp: quantile(times[i]!, 0.5), ratio, spread: (quantile(ratios[i]!, 0.75) - quantile(ratios[i]!, 0.25)) / ratio };
  });
  console.log(`\n## ${title}\n`);
  console.log(`| case | time/op | × ${baseline} | spread |`);
  console.log('|---|---:|---:|---:|');
  for (const r of results) console.log(`| ${r.name} | ${formatNs(r.nsPerOp)} | ${r.ratio!.toFixed(2)} | ±${(r.spread * 100).toFixed(0)}% |`);
  return results;
}
