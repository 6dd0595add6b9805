// Runs every file in spec-vectors/ through the conformance runner: one test per vector.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readVectorFile, runVector } from '../../src/vectors/runner.js';
import { allOps } from '../../src/vectors/ops/index.js';

const dir = join(import.meta.dirname, '../../spec-vectors');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe.each(files)('%s', (file) => {
  const { vectors } = readVectorFile(JSON.parse(readFileSync(join(dir, file), 'utf8')));
  it('has vectors with unique ids and a source each', () => {
    expect(vectors.length).toBeGreaterThan(0);
    const ids = vectors.map((v) => (v as { id?: unknown }).id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const v of vectors) expect(typeof (v as { source?: unknown }).source, JSON.stringify((v as { id?: unknown }).id)).toBe('string');
  });
  it.each(vectors.map((v, i) => [(v as { id?: string }).id ?? `#${i}`, v] as const))('%s', async (_id, vector) => {
    const result = await runVector(vector, allOps);
    expect(result.detail ?? 'passed').toBe('passed');
    expect(result.passed).toBe(true);
  });
});
