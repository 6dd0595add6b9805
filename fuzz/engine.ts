/**
 * A small coverage-guided fuzzer over V8's own block coverage (issue 12, item 6).
 *
 * Jazzer.js does not run here (see fuzz/README.md): its prebuilt addon needs glibc 2.38 and its npm package ships
 * no sources to build. This loop takes the same approach as libFuzzer with no native code: V8's precise coverage
 * (`Profiler.takePreciseCoverage` through an in-process node:inspector session, which answers synchronously) reports
 * per execution how often each block of our `src/` ran. A block with its hit count bucketed as AFL does
 * (1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+) is a feature; an input that shows a new feature joins the corpus, and
 * new inputs are mutations of corpus entries (bit flips, interesting bytes, insertions, deletions, duplicated
 * ranges, splices of two entries, dictionary tokens).
 *
 * The property checked for every input: the target returns, or throws an OAuthBearerError whose code is one of
 * ours. Anything else is a finding: another exception, a non-error thrown, a returned promise, more work than the
 * target's bound (the total block count in src/, a deterministic measure of work, against a linear bound in the
 * input's length), or more than `slowMs` of time (reported, never asserted in a test).
 */
import { Session } from 'node:inspector';
import { OAuthBearerError } from '../src/errors.js';

/** One decoder under test, fed raw bytes. */
export interface FuzzTarget {
  readonly name: string;
  /** Decode `data`; return anything or throw an OAuthBearerError. */
  readonly run: (data: Uint8Array) => unknown;
  /** Tokens the mutator inserts (separators, keywords of the grammar). */
  readonly dictionary?: readonly (string | Uint8Array)[];
  /** Largest input the mutator builds. */
  readonly maxInputBytes?: number;
  /** Most block executions in src/ allowed for an input of `length` bytes (linear in the length). */
  readonly maxWork?: (length: number) => number;
  /** Scripts whose coverage guides the run and counts as work (default: our src/ outside src/node/). */
  readonly coverage?: RegExp;
}

export type FindingKind = 'foreign-error' | 'returned-promise' | 'excessive-work' | 'slow';

export interface Finding {
  readonly kind: FindingKind;
  readonly input: Uint8Array;
  readonly detail: string;
}

export interface FuzzOptions {
  /** Executions to run (the seeds count). */
  readonly runs: number;
  /** Stop after this many milliseconds even if `runs` is not reached (long runs only; smoke runs use `runs`). */
  readonly maxMs?: number;
  /** Seed of the mutation PRNG: the same seed, corpus and target repeat the same run. */
  readonly seed?: number;
  readonly corpus: readonly Uint8Array[];
  /** Time per input above which a `slow` finding is reported (default 250 ms). */
  readonly slowMs?: number;
  /** Stop at the first finding. */
  readonly stopOnFinding?: boolean;
  /** Called before each execution (the hang watchdog records the input). */
  readonly beforeEach?: (input: Uint8Array) => void;
}

export interface FuzzResult {
  readonly executions: number;
  /** Inputs that each added coverage, in the order found (seeds first). */
  readonly corpus: Uint8Array[];
  readonly features: number;
  readonly findings: Finding[];
  /** Largest work (block executions) seen, and the input length it came with. */
  readonly maxWork: { work: number; length: number };
}

const DEFAULT_MAX_WORK = (length: number): number => 20_000 + 400 * length;

/** An xorshift32 PRNG: deterministic runs for the smoke tests. */
export function prng(seed: number): () => number {
  let x = seed | 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4_294_967_296;
  };
}

let session: Session | null = null;

function post<T>(method: string, params: object = {}): T {
  let result: T | undefined;
  let error: Error | null = null;
  session!.post(method, params, (err, res) => {
    error = err;
    result = res as T;
  });
  if (error) throw error;
  if (result === undefined) throw new Error(`inspector ${method} did not answer synchronously`);
  return result;
}

interface CoverageRange { startOffset: number; endOffset: number; count: number }
interface ScriptCoverage { scriptId: string; url: string; functions: { ranges: CoverageRange[] }[] }

function startCoverage(): void {
  if (session !== null) return;
  session = new Session();
  session.connect();
  post('Profiler.enable');
  post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  post('Profiler.takePreciseCoverage');
}

const SRC = /\/src\/(?!node\/)/;
const ours = new Map<RegExp, Map<string, boolean>>();

function isOurs(script: ScriptCoverage, filter: RegExp): boolean {
  let byId = ours.get(filter);
  if (byId === undefined) ours.set(filter, (byId = new Map()));
  let v = byId.get(script.scriptId);
  if (v === undefined) {
    v = filter.test(script.url) && !script.url.includes('node_modules');
    byId.set(script.scriptId, v);
  }
  return v;
}

function bucket(count: number): number {
  if (count < 4) return count;
  if (count < 8) return 4;
  if (count < 16) return 5;
  if (count < 32) return 6;
  if (count < 128) return 7;
  return 8;
}

/** Coverage since the last call: features (block × bucket) and total block executions in src/. */
function takeCoverage(into: Set<string>, filter: RegExp): number {
  const { result } = post<{ result: ScriptCoverage[] }>('Profiler.takePreciseCoverage');
  let work = 0;
  for (const script of result) {
    if (!isOurs(script, filter)) continue;
    for (const fn of script.functions) {
      // V8 leaves out a block whose count equals its parent's; a block reported as not run is a feature too (it
      // appears when its parent starts to run), so zero counts count.
      for (const r of fn.ranges) {
        work += r.count;
        into.add(`${script.scriptId}:${r.startOffset}:${r.endOffset}:${bucket(r.count)}`);
      }
    }
  }
  return work;
}

/** Checks one input against the property; null when it holds. */
export function checkInput(target: FuzzTarget, input: Uint8Array): { finding: Finding | null; features: Set<string>; work: number; ms: number } {
  // Counters reset at every take; between two inputs nothing of src/ runs, so one take per input suffices.
  startCoverage();
  const features = new Set<string>();
  const t0 = performance.now();
  let finding: Finding | null = null;
  try {
    const out = target.run(input);
    if (out instanceof Promise) {
      out.catch(() => {});
      finding = { kind: 'returned-promise', input, detail: 'the decoder returned a promise' };
    }
  } catch (error) {
    if (!(error instanceof OAuthBearerError) || !/^ERR_[A-Z0-9_]+$/.test(error.code)) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : `threw ${String(error)}`;
      finding = { kind: 'foreign-error', input, detail };
    }
  }
  const ms = performance.now() - t0;
  const work = takeCoverage(features, target.coverage ?? SRC);
  const bound = (target.maxWork ?? DEFAULT_MAX_WORK)(input.length);
  if (finding === null && work > bound) {
    finding = { kind: 'excessive-work', input, detail: `${work} block executions for ${input.length} bytes; the bound is ${bound}` };
  }
  return { finding, features, work, ms };
}

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x20, 0x2c, 0x3d, 0x22, 0x5c, 0x2e, 0x0a, 0x0d, 0x09, 0x3b, 0x7b, 0x7d, 0xc0, 0xed, 0xf4];
const encoder = new TextEncoder();

/** One random mutation (or a stack of up to 4) of `base`. */
export function mutate(base: Uint8Array, corpus: readonly Uint8Array[], dictionary: readonly Uint8Array[], rand: () => number, maxLen: number): Uint8Array {
  let data = Array.from(base);
  const pick = (n: number): number => Math.floor(rand() * n);
  const stack = 1 + pick(4);
  for (let s = 0; s < stack; s++) {
    const len = data.length;
    switch (pick(len === 0 ? 3 : 10)) {
      case 0: { // insert a dictionary token (or an interesting byte when there is no dictionary)
        const at = pick(len + 1);
        const token = dictionary.length > 0 ? Array.from(dictionary[pick(dictionary.length)]!) : [INTERESTING[pick(INTERESTING.length)]!];
        data.splice(at, 0, ...token);
        break;
      }
      case 1: { // insert random bytes
        const at = pick(len + 1);
        const n = 1 + pick(8);
        for (let i = 0; i < n; i++) data.splice(at, 0, pick(256));
        break;
      }
      case 2: { // splice with another corpus entry
        const other = corpus[pick(corpus.length)];
        if (other === undefined || other.length === 0) break;
        const from = pick(other.length);
        const to = from + pick(other.length - from + 1);
        data.splice(pick(len + 1), pick(Math.max(1, len - pick(len + 1))), ...other.subarray(from, to));
        break;
      }
      case 3: { // flip a bit
        const at = pick(len);
        data[at] = data[at]! ^ (1 << pick(8));
        break;
      }
      case 4: data[pick(len)] = INTERESTING[pick(INTERESTING.length)]!; break;
      case 5: data[pick(len)] = pick(256); break;
      case 6: { // delete a range
        const at = pick(len);
        data.splice(at, 1 + pick(Math.min(16, len - at)));
        break;
      }
      case 7: { // duplicate a range (repetition finds superlinear work)
        const at = pick(len);
        const n = 1 + pick(Math.min(32, len - at));
        const chunk = data.slice(at, at + n);
        const times = 1 + pick(rand() < 0.1 ? 256 : 4);
        const out: number[] = [];
        for (let i = 0; i < times; i++) out.push(...chunk);
        data.splice(at, 0, ...out);
        break;
      }
      case 8: { // overwrite with a dictionary token
        if (dictionary.length === 0) break;
        const token = dictionary[pick(dictionary.length)]!;
        const at = pick(len);
        for (let i = 0; i < token.length && at + i < len; i++) data[at + i] = token[i]!;
        break;
      }
      default: { // swap two bytes
        const a = pick(len);
        const b = pick(len);
        [data[a], data[b]] = [data[b]!, data[a]!];
      }
    }
    if (data.length > maxLen) data = data.slice(0, maxLen);
  }
  return Uint8Array.from(data);
}

/** Runs the fuzz loop: seeds first, then mutations of corpus entries, until `runs` executions (or `maxMs`). */
export function fuzz(target: FuzzTarget, options: FuzzOptions): FuzzResult {
  const rand = prng(options.seed ?? 1);
  const dictionary = (target.dictionary ?? []).map((t) => (typeof t === 'string' ? encoder.encode(t) : t));
  const maxLen = target.maxInputBytes ?? 4096;
  const slowMs = options.slowMs ?? 250;
  const seen = new Set<string>();
  const corpus: Uint8Array[] = [];
  const findings: Finding[] = [];
  const findingKeys = new Set<string>();
  let maxWork = { work: 0, length: 0 };
  let executions = 0;
  const started = performance.now();
  const seeds = options.corpus.length > 0 ? options.corpus : [new Uint8Array(0)];
  const exec = (input: Uint8Array): void => {
    options.beforeEach?.(input);
    const { finding, features, work, ms } = checkInput(target, input);
    executions++;
    if (work > maxWork.work) maxWork = { work, length: input.length };
    // A slow run is timed twice more before it counts: on a shared machine one run can wait for a core or a GC.
    let slow = ms > slowMs;
    let slowest = ms;
    for (let i = 0; slow && i < 2; i++) {
      const again = checkInput(target, input).ms;
      slowest = Math.min(slowest, again);
      slow = again > slowMs;
    }
    const found = finding ?? (slow ? { kind: 'slow' as const, input, detail: `${slowest.toFixed(0)} ms for ${input.length} bytes (the fastest of 3 runs)` } : null);
    if (found !== null) {
      // One finding per kind and first line of detail: a bug found a thousand times is one bug.
      const key = `${found.kind}:${found.detail.split('\n')[0]!.replace(/\d+/g, 'N')}`;
      if (!findingKeys.has(key)) {
        findingKeys.add(key);
        findings.push(found);
      }
    }
    let fresh = false;
    for (const f of features) {
      if (!seen.has(f)) {
        seen.add(f);
        fresh = true;
      }
    }
    if (fresh) corpus.push(input);
  };
  for (const seed of seeds) {
    if (executions >= options.runs) break;
    exec(seed.length > maxLen ? seed.subarray(0, maxLen) : seed);
  }
  if (corpus.length === 0) corpus.push(seeds[0]!);
  while (executions < options.runs && !(options.stopOnFinding === true && findings.length > 0)) {
    if (options.maxMs !== undefined && (executions & 63) === 0 && performance.now() - started > options.maxMs) break;
    // Favour recent, small entries a little: newer entries reach deeper.
    const i = rand() < 0.5 ? corpus.length - 1 - Math.floor(rand() * Math.min(corpus.length, 16)) : Math.floor(rand() * corpus.length);
    exec(mutate(corpus[i]!, corpus, dictionary, rand, maxLen));
  }
  return { executions, corpus, features: seen.size, findings, maxWork };
}

/**
 * A small subset of `inputs` (smaller inputs first) that covers every block they cover. Hit-count buckets guide
 * the search but are left out here: with them the kept corpus grows with every loop count seen, and the committed
 * corpus should stay small (each smoke run replays it).
 */
export function minimize(target: FuzzTarget, inputs: readonly Uint8Array[]): Uint8Array[] {
  const all = new Set<string>();
  const kept: Uint8Array[] = [];
  const sorted = [...new Map(inputs.map((i) => [i.join(','), i])).values()].sort((a, b) => a.length - b.length);
  const blocks = (features: Set<string>): Set<string> => {
    const out = new Set<string>();
    for (const f of features) if (!f.endsWith(':0')) out.add(f.slice(0, f.lastIndexOf(':')));
    return out;
  };
  const featuresOf = sorted.map((input) => blocks(checkInput(target, input).features));
  // Keep an input only if it has a feature no smaller kept input has.
  for (let i = 0; i < sorted.length; i++) {
    let fresh = false;
    for (const f of featuresOf[i]!) {
      if (!all.has(f)) {
        all.add(f);
        fresh = true;
      }
    }
    if (fresh) kept.push(sorted[i]!);
  }
  return kept;
}
