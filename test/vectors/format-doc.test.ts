// spec-vectors/FORMAT.md is the format's reference for other ports: every operation the runner knows and every
// operation a vector file uses has its own section there.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { allOps } from '../../src/vectors/ops/index.js';

const dir = join(import.meta.dirname, '../../spec-vectors');
const doc = readFileSync(join(dir, 'FORMAT.md'), 'utf8');
const headings = doc.split('\n').filter((line) => line.startsWith('### '));
const documented = (op: string) => headings.some((h) => h.includes(`\`${op}\``));

it('documents every operation of the runner in spec-vectors/FORMAT.md', () => {
  expect(Object.keys(allOps).length).toBeGreaterThan(10);
  expect(Object.keys(allOps).filter((op) => !documented(op))).toEqual([]);
});

it('documents every operation the vector files use', () => {
  const used = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const { vectors } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { vectors: Array<{ op: string }> };
    for (const v of vectors) used.add(v.op);
  }
  expect(used.size).toBeGreaterThan(5);
  expect([...used].filter((op) => !documented(op))).toEqual([]);
  expect(documented('no.such.op')).toBe(false);
});
