// The error code of every error vector, pinned (test/vectors/error-codes.json). Vectors say only that an error is
// thrown and its protocol status; a mutant that let a later check throw with another code survived them (issue 12
// item 7). After a deliberate change of code: UPDATE_ERROR_CODES=1 npx vitest run test/vectors/error-codes.test.ts
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { allOps } from '../../src/vectors/ops/index.js';
import { OAuthBearerError } from '../../src/errors.js';

const dir = join(import.meta.dirname, '../../spec-vectors');
const pinnedFile = join(import.meta.dirname, 'error-codes.json');
type Vector = { id: string; op: string; input: Record<string, unknown>; expect: { error?: unknown } };

it('every error vector fails with its pinned code', async () => {
  const actual: Record<string, string> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    for (const v of (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { vectors: Vector[] }).vectors) {
      if (v.expect.error === undefined) continue;
      try {
        await allOps[v.op]!.run(v.input);
        actual[`${file} ${v.id}`] = 'no error';
      } catch (e) {
        actual[`${file} ${v.id}`] = e instanceof OAuthBearerError ? e.code : `not ours: ${String(e)}`;
      }
    }
  }
  if (process.env.UPDATE_ERROR_CODES === '1') writeFileSync(pinnedFile, `${JSON.stringify(actual, null, 1)}\n`);
  const pinned = JSON.parse(readFileSync(pinnedFile, 'utf8')) as Record<string, string>;
  // New vectors may come without a pinned code; every pinned one must keep its code.
  for (const [name, code] of Object.entries(pinned)) if (name in actual) expect(actual[name], name).toBe(code);
  expect(Object.keys(pinned).length).toBeGreaterThan(100);
});
