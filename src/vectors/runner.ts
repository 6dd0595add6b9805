/**
 * The conformance runner for `oauthbearer-vectors/1` files (spec-vectors/FORMAT.md). Pure: parsed JSON in,
 * results out, so any runtime can run it; the CLI in src/node/ is a thin shell over it.
 *
 * Every vector is reported as passed or failed, never skipped: an unknown `op` is a failure.
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import { isJsonObject } from '../encoding/json.js';
import { encodeBase64 } from '../encoding/base64.js';
import { vectorBytes } from './values.js';
import type { VectorOp, VectorOps } from './types.js';

/**
 * The format identifier this runner reads.
 * @category Vectors
 */
export const VECTOR_FORMAT = 'oauthbearer-vectors/1';

/**
 * One vector's outcome.
 * @category Vectors
 */
export interface VectorResult {
  /** The vector's `id` (or its index when it has none). */
  readonly id: string;
  readonly op: string;
  readonly passed: boolean;
  /** Why it failed: which field differed, or what was thrown. */
  readonly detail?: string;
}

/**
 * A whole file's outcome.
 * @category Vectors
 */
export interface VectorFileResult {
  readonly description: string;
  readonly results: readonly VectorResult[];
  readonly passed: number;
  readonly failed: number;
}

/**
 * Checks a parsed vector file's envelope and returns its vectors.
 * @throws OAuthBearerError `ERR_VECTOR_FORMAT` when the file is not an `oauthbearer-vectors/1` document
 * @example
 * ```ts
 * const { description, vectors } = readVectorFile(JSON.parse(text)); // ERR_VECTOR_FORMAT unless oauthbearer-vectors/1
 * ```
 * @category Vectors
 */
export function readVectorFile(file: unknown): { description: string; vectors: unknown[] } {
  if (!isJsonObject(file) || file.format !== VECTOR_FORMAT || !Array.isArray(file.vectors)) {
    throw new OAuthBearerError(
      'ERR_VECTOR_FORMAT',
      `A vector file must be a JSON object with "format": "${VECTOR_FORMAT}" and a "vectors" array`,
    );
  }
  return { description: typeof file.description === 'string' ? file.description : '', vectors: file.vectors };
}

/**
 * Runs every vector of a parsed file against `ops`.
 * @example
 * ```ts
 * const result = await runVectorFile(JSON.parse(readFileSync('spec-vectors/gs2.json', 'utf8')), allOps);
 * console.log(`${result.passed} passed, ${result.failed} failed`);
 * ```
 * @category Vectors
 */
export async function runVectorFile(file: unknown, ops: VectorOps): Promise<VectorFileResult> {
  const { description, vectors } = readVectorFile(file);
  const results: VectorResult[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < vectors.length; i++) {
    const result = await runVector(vectors[i], ops, i);
    const duplicate = seen.has(result.id);
    seen.add(result.id);
    results.push(duplicate ? { ...result, passed: false, detail: `duplicate id "${result.id}" in this file` } : result);
  }
  const passed = results.filter((r) => r.passed).length;
  return { description, results, passed, failed: results.length - passed };
}

/**
 * Runs one vector. Never throws: a malformed vector or an unexpected exception is a failed result.
 * @example
 * ```ts
 * const result = await runVector(file.vectors[0], allOps); // { id, op, passed, detail? }
 * ```
 * @category Vectors
 */
export async function runVector(vector: unknown, ops: VectorOps, index = 0): Promise<VectorResult> {
  if (!isJsonObject(vector)) return { id: `#${index}`, op: '?', passed: false, detail: 'vector is not a JSON object' };
  const id = typeof vector.id === 'string' ? vector.id : `#${index}`;
  const opName = typeof vector.op === 'string' ? vector.op : '?';
  const fail = (detail: string): VectorResult => ({ id, op: opName, passed: false, detail });
  const op: VectorOp | undefined = Object.hasOwn(ops, opName) ? ops[opName] : undefined;
  if (op === undefined) return fail(`unknown op "${opName}"`);
  if (!isJsonObject(vector.input)) return fail('"input" must be a JSON object');
  const expect = vector.expect;
  if (!isJsonObject(expect) || Object.hasOwn(expect, 'ok') === Object.hasOwn(expect, 'error')) {
    return fail('"expect" must hold exactly one of "ok" and "error"');
  }
  let actual: unknown;
  try {
    actual = await op.run(vector.input);
  } catch (err) {
    if (!(err instanceof OAuthBearerError)) {
      return fail(`threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}, not OAuthBearerError`);
    }
    if (!Object.hasOwn(expect, 'error')) return fail(`expected ok, got error ${err.code}: ${err.message}`);
    const wanted = isJsonObject(expect.error) ? expect.error.status : undefined;
    if (wanted !== undefined && wanted !== err.status) {
      return fail(`expected error status ${JSON.stringify(wanted)}, got ${JSON.stringify(err.status ?? null)} (${err.code}: ${err.message})`);
    }
    return { id, op: opName, passed: true };
  }
  if (Object.hasOwn(expect, 'error')) return fail(`expected an error, got ok ${show(actual)}`);
  if (!isJsonObject(expect.ok)) return fail('"expect.ok" must be a JSON object');
  const actualObject = toPlain(actual);
  if (!isJsonObject(actualObject)) return fail(`op returned ${show(actual)}, not an object`);
  const sets = new Set(op.sets ?? []);
  for (const [key, expected] of Object.entries(expect.ok)) {
    const difference =
      key === 'headers'
        ? compareHeaders(expected, actualObject[key])
        : compare(expected, actualObject[key], key, sets);
    if (difference !== undefined) return fail(difference);
  }
  return { id, op: opName, passed: true };
}

/** Maps, sets and byte arrays as JSON-like values, so results compare and print uniformly. */
function toPlain(value: unknown): unknown {
  if (value instanceof Uint8Array) return value;
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, toPlain(v)]));
  if (value instanceof Set) return [...value].map(toPlain);
  if (Array.isArray(value)) return value.map(toPlain);
  if (isJsonObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  return value;
}

function show(value: unknown): string {
  const text = JSON.stringify(toPlain(value), (_k, v: unknown) =>
    v instanceof Uint8Array ? bytesAsText(v) : v,
  );
  return text === undefined ? String(value) : text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** A byte string for messages: its text when it is UTF-8 without surprises, else its base64. */
function bytesAsText(bytes: Uint8Array): string | { base64: string } {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { base64: encodeBase64(bytes) };
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Returns undefined when `actual` matches `expected` (FORMAT.md rules), else a description of the difference. */
function compare(expected: unknown, actual: unknown, path: string, sets: ReadonlySet<string>): string | undefined {
  const differ = (): string => `${path}: expected ${show(expected)}, got ${show(actual)}`;
  if (expected === null) return actual === null || actual === undefined ? undefined : differ();
  if (actual instanceof Uint8Array) {
    let bytes: Uint8Array;
    try {
      bytes = vectorBytes(expected, path);
    } catch {
      return differ();
    }
    return sameBytes(bytes, actual) ? undefined : differ();
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return differ();
    let e: unknown[] = expected;
    let a: unknown[] = actual;
    if (sets.has(path)) {
      const key = (v: unknown): string => show(v);
      e = [...expected].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
      a = [...actual].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
    }
    for (let i = 0; i < e.length; i++) {
      const d = compare(e[i], a[i], `${path}[${i}]`, sets);
      if (d !== undefined) return sets.has(path) ? differ() : d;
    }
    return undefined;
  }
  if (isJsonObject(expected)) {
    if (!isJsonObject(actual)) return differ();
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      const e = Object.hasOwn(expected, key) ? expected[key] : null;
      const d = compare(e, actual[key], `${path}.${key}`, sets);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return Object.is(expected, actual) || expected === actual ? undefined : differ();
}

/** HTTP headers compare as a subset: each header the vector names must be present, lower-case, with that value. */
function compareHeaders(expected: unknown, actual: unknown): string | undefined {
  if (!isJsonObject(expected)) return 'headers: the vector\'s "headers" must be an object';
  if (!isJsonObject(actual)) return `headers: expected an object, got ${show(actual)}`;
  for (const [name, value] of Object.entries(expected)) {
    if (actual[name] !== value) return `headers.${name}: expected ${show(value)}, got ${show(actual[name])}`;
  }
  return undefined;
}
