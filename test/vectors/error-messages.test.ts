// Every error vector's error says something: an ERR_ code and a message that reads as a sentence, with no
// "undefined" or "[object Object]" leaking from a template. The runner checks only that an error is thrown (and its
// status); this pins what the user reads (issue 12 item 7: mutants that emptied a message or a code survived).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allOps } from '../../src/vectors/ops/index.js';
import { OAuthBearerError } from '../../src/errors.js';

const dir = join(import.meta.dirname, '../../spec-vectors');
type Vector = { id: string; op: string; input: Record<string, unknown>; expect: { error?: unknown } };
const errorVectors = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().flatMap((file) =>
  (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { vectors: Vector[] }).vectors
    .filter((v) => v.expect.error !== undefined)
    .map((v) => [`${file} ${v.id}`, v] as const));

describe('error vectors', () => {
  it('exist', () => expect(errorVectors.length).toBeGreaterThan(100));
  it.each(errorVectors)('%s: a code and a message', async (_name, vector) => {
    let error: unknown;
    try {
      await allOps[vector.op]!.run(vector.input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OAuthBearerError);
    const { code, message } = error as OAuthBearerError;
    expect(code).toMatch(/^ERR_[A-Z0-9_]+$/);
    expect(message.length).toBeGreaterThanOrEqual(16);
    expect(message).toMatch(/[a-z]{3,} [a-z"]/i);
    expect(message).not.toMatch(/undefined|\[object /);
  });
});
