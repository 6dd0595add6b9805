/**
 * A small benchmark harness whose case order cannot bias a verdict. Each case runs in the same process and the
 * same run as its peers and floors; the report gives each case's time per op and the per-round ratio to a named
 * baseline with its p25–p75. Timing uses `performance.now()`.
 *
 * Method ({@link compare}), for a shared 2-core VM whose speed drifts by 10-50% within seconds:
 * - Warm-up is its own phase: every case runs for `warmupMs` (JIT, caches), then a probe sizes its batch to about
 *   `batchMs`, then `warmupRounds` full rounds are run and thrown away. None of it is in the statistics.
 * - Every case is then timed once per ROUND in one batch; a case's ratio to another is taken per round (drift
 *   slower than a round cancels) and reported as the median with its p25–p75 over rounds.
 * - The order of the cases is shuffled every round by a seeded PRNG (mulberry32; the seed is printed, and set by
 *   `BENCH_SEED=n` or `--seed n`). A fixed or rotating order is a bias, not noise: an awaited thread-pool call
 *   (WebCrypto) costs more or less depending on the case run just before it, and a fixed order never averages
 *   that out (bench/README.md has the measurement). `BENCH_ORDER=rotating` restores the old order to show it.
 * - An asynchronous case's timed batch is preceded by a short untimed lead-in of the same case, so that it is
 *   timed in the state it leaves the thread pool and the microtask queue in, the same state as its asynchronous
 *   floor, whatever ran before it. Compare asynchronous cases with asynchronous floors in a group of their own.
 */
import { seededRandom } from '../src/node/cli/fuzz.js';

export interface BenchCase {
  name: string;
  /** One operation. May be async; then each call is awaited. */
  fn: () => unknown;
}

/** A per-round ratio's median and quartiles. */
export interface Ratio {
  median: number;
  p25: number;
  p75: number;
}

export interface BenchResult {
  name: string;
  /** Median over rounds of the batch time per operation. */
  nsPerOp: number;
  /** This case's time over the baseline's, per round: median and quartiles. */
  ratio: Ratio;
}

/** What {@link compare} returns: the results in case order, plus any pair's per-round ratio. */
export type Comparison = BenchResult[] & {
  /** Median and quartiles over rounds of `a`'s time over `b`'s in the same round. */
  ratioOf(a: string, b: string): Ratio;
  /** Per-round times per op, by case name (for a caller's own statistics). */
  readonly rounds: ReadonlyMap<string, readonly number[]>;
};

export interface BenchOptions {
  /** Target batch duration in ms; default 4. */
  batchMs?: number;
  /** Warm-up time per case in ms before sizing; default 150. */
  warmupMs?: number;
  /** Full rounds run and discarded after sizing; default 3. */
  warmupRounds?: number;
  /** Measured rounds; default 61. */
  rounds?: number;
  /** Untimed calls of an async case before each of its timed batches; default a quarter batch, at least 2. */
  leadIn?: number;
  /** `shuffled` (default) or `rotating` (the old harness's order, kept only to show its bias). */
  order?: 'shuffled' | 'rotating';
}

/** mulberry32, the seeded PRNG `oauthbearer probe --fuzz` already uses, to shuffle case order reproducibly. */
export const mulberry32 = seededRandom;

function argValue(flag: string): string | undefined {
  const argv = process.argv;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag) return argv[i + 1];
    if (argv[i]!.startsWith(`${flag}=`)) return argv[i]!.slice(flag.length + 1);
  }
  return undefined;
}

function chooseSeed(): number {
  const given = argValue('--seed') ?? process.env.BENCH_SEED;
  if (given !== undefined && given !== '') {
    const n = Number(given);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`BENCH_SEED / --seed must be an integer 0..2^32-1, not ${given}`);
    return n;
  }
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

/** The run's seed: from `--seed n` or `BENCH_SEED`, else random; printed once. */
export const SEED = chooseSeed();
const ORDER = (process.env.BENCH_ORDER ?? 'shuffled') as 'shuffled' | 'rotating';
if (ORDER !== 'shuffled' && ORDER !== 'rotating') throw new Error(`BENCH_ORDER must be shuffled or rotating, not ${String(ORDER)}`);
console.log(`harness: seed ${SEED} (BENCH_SEED=${SEED} to repeat the order), order ${ORDER}, node ${process.version}`);

/** FNV-1a of a title, so each comparison's shuffle depends only on the seed and its own title. */
function hashTitle(title: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < title.length; i++) h = Math.imul(h ^ title.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

async function timeBatch(fn: () => unknown, n: number, isAsync: boolean): Promise<number> {
  const start = performance.now();
  if (isAsync) for (let i = 0; i < n; i++) await fn();
  else for (let i = 0; i < n; i++) fn();
  return performance.now() - start;
}

async function run(fn: () => unknown, n: number, isAsync: boolean): Promise<void> {
  if (isAsync) for (let i = 0; i < n; i++) await fn();
  else for (let i = 0; i < n; i++) fn();
}

export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function ratioStats(values: readonly number[]): Ratio {
  return { median: quantile(values, 0.5), p25: quantile(values, 0.25), p75: quantile(values, 0.75) };
}

export function formatNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

export function formatRatio(r: Ratio): string {
  return `${r.median.toFixed(2)} (${r.p25.toFixed(2)}–${r.p75.toFixed(2)})`;
}

/** Fisher–Yates with the given PRNG. */
function shuffle(order: number[], random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
}

/**
 * Runs a group of cases in one run (see the module comment) and prints a table with each case's median time and
 * its per-round ratio to `baseline` (a case name), median (p25–p75). Compare two other cases with `ratioOf`.
 */
export async function compare(title: string, cases: BenchCase[], baseline: string, options: BenchOptions = {}): Promise<Comparison> {
  const batchMs = options.batchMs ?? 4;
  const rounds = options.rounds ?? 61;
  const warmupRounds = options.warmupRounds ?? 3;
  const order = options.order ?? ORDER;
  const b = cases.findIndex((c) => c.name === baseline);
  if (b < 0) throw new Error(`no case named ${baseline}`);
  const seed = (SEED ^ hashTitle(title)) >>> 0;
  const random = mulberry32(seed);
  const warmStart = performance.now();

  // Warm-up phase: JIT and caches, then a probe that sizes each case's batch.
  const isAsync: boolean[] = [];
  const sizes: number[] = [];
  for (const c of cases) {
    const probe = c.fn();
    isAsync.push(probe instanceof Promise);
    if (probe instanceof Promise) await probe;
  }
  const warmOrder = cases.map((_, i) => i);
  shuffle(warmOrder, random);
  for (const i of warmOrder) {
    const end = performance.now() + (options.warmupMs ?? 150);
    let n = 1;
    while (performance.now() < end) {
      await run(cases[i]!.fn, n, isAsync[i]!);
      if (n < 1 << 16) n *= 2;
    }
  }
  for (const i of warmOrder) {
    let n = 1;
    let elapsed = await timeBatch(cases[i]!.fn, n, isAsync[i]!);
    while (elapsed < batchMs / 4) {
      n *= 2;
      elapsed = await timeBatch(cases[i]!.fn, n, isAsync[i]!);
    }
    sizes[i] = Math.max(1, Math.round((n * batchMs) / Math.max(elapsed, 0.001)));
  }
  const leadIns = cases.map((_, i) => (isAsync[i] ? (options.leadIn ?? Math.max(2, Math.round(sizes[i]! / 4))) : 0));

  const times: number[][] = cases.map(() => []);
  const sequence = cases.map((_, i) => i);
  for (let r = -warmupRounds; r < rounds; r++) {
    if (order === 'shuffled') shuffle(sequence, random);
    else for (let k = 0; k < cases.length; k++) sequence[k] = (r + warmupRounds + k) % cases.length;
    const round: number[] = [];
    for (const i of sequence) {
      if (order === 'shuffled' && leadIns[i]! > 0) await run(cases[i]!.fn, leadIns[i]!, true);
      round[i] = ((await timeBatch(cases[i]!.fn, sizes[i]!, isAsync[i]!)) * 1e6) / sizes[i]!;
    }
    if (r >= 0) for (let i = 0; i < cases.length; i++) times[i]!.push(round[i]!);
  }
  const warmMs = performance.now() - warmStart;

  const index = new Map(cases.map((c, i) => [c.name, i]));
  const ratioOf = (x: string, y: string): Ratio => {
    const a = index.get(x);
    const c = index.get(y);
    if (a === undefined || c === undefined) throw new Error(`no case named ${a === undefined ? x : y}`);
    return ratioStats(times[a]!.map((t, r) => t / times[c]![r]!));
  };
  const results = cases.map((c, i): BenchResult => ({ name: c.name, nsPerOp: quantile(times[i]!, 0.5), ratio: ratioOf(c.name, baseline) }));
  console.log(`\n## ${title}\n`);
  console.log(`${rounds} rounds of ~${batchMs} ms batches, order ${order}, seed ${seed} (run seed ${SEED}); warm-up (${options.warmupMs ?? 150} ms per case + ${warmupRounds} discarded rounds) and measurement ${(warmMs / 1000).toFixed(1)} s in all\n`);
  console.log(`| case | time/op | × ${baseline}, median (p25–p75) |`);
  console.log('|---|---:|---:|');
  for (const r of results) console.log(`| ${r.name} | ${formatNs(r.nsPerOp)} | ${formatRatio(r.ratio)} |`);
  return Object.assign(results, { ratioOf, rounds: new Map(cases.map((c, i) => [c.name, times[i]!])) });
}

/** One line per target: `label: a / b = median (p25–p75), target ≤ t: met | MISSED`. */
export function verdict(label: string, r: Ratio, target: number): string {
  return `${label}: ${formatRatio(r)} × (target ≤ ${target}×: ${r.median <= target ? 'met' : 'MISSED'})`;
}
