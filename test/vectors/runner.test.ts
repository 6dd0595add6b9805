import { describe, expect, it } from 'vitest';
import { runVector, runVectorFile, VECTOR_FORMAT } from '../../src/vectors/runner.js';
import { OAuthBearerError } from '../../src/errors.js';
import { opsByArea } from '../../src/vectors/ops/index.js';
import type { VectorOps } from '../../src/vectors/types.js';

// Fake ops that return crafted results: these test the runner's comparison rules, not any protocol code.
const ops: VectorOps = {
  'echo': { run: (input) => input.result },
  'bytes': { run: () => ({ message: new TextEncoder().encode('n,,\u0001auth=Bearer x\u0001\u0001'), raw: new Uint8Array([0xff, 0]) }) },
  'set': { run: () => ({ scope: ['b', 'a'], list: ['b', 'a'] }), sets: ['scope'] },
  'fail': { run: (input) => { throw new OAuthBearerError('ERR_UNSECURED_TOKEN', 'no', { status: input.status as string }); } },
  'crash': { run: () => { throw new TypeError('boom'); } },
  'map': { run: () => ({ extensions: new Map([['a', '1']]) }) },
};
const vector = (op: string, input: object, expect: object, id = 'v') => ({ id, source: 'test', op, input, expect });

describe('runVector', () => {
  it('passes when every expected key deep-equals, ignoring keys the vector leaves out', async () => {
    const r = await runVector(vector('echo', { result: { a: 1, b: { c: [1, 2] }, extra: 5 } }, { ok: { a: 1, b: { c: [1, 2] } } }), ops);
    expect(r).toEqual({ id: 'v', op: 'echo', passed: true });
  });
  it('compares nested objects exactly and arrays in order', async () => {
    expect((await runVector(vector('echo', { result: { b: { c: 1, d: 2 } } }, { ok: { b: { c: 1 } } }), ops)).passed).toBe(false);
    expect((await runVector(vector('echo', { result: { c: [2, 1] } }, { ok: { c: [1, 2] } }), ops)).passed).toBe(false);
  });
  it('treats null as absent', async () => {
    expect((await runVector(vector('echo', { result: { a: 1 } }, { ok: { b: null } }), ops)).passed).toBe(true);
    expect((await runVector(vector('echo', { result: { b: 0 } }, { ok: { b: null } }), ops)).passed).toBe(false);
  });
  it('compares byte strings as UTF-8 text or base64', async () => {
    const ok = await runVector(vector('bytes', {}, { ok: { message: 'n,,\u0001auth=Bearer x\u0001\u0001', raw: { base64: '/wA=' } } }), ops);
    expect(ok.passed).toBe(true);
    const bad = await runVector(vector('bytes', {}, { ok: { message: 'n,,\u0001auth=Bearer y\u0001\u0001' } }), ops);
    expect(bad.passed).toBe(false);
    expect(bad.detail).toContain('message');
  });
  it('sorts only the fields an op calls sets', async () => {
    expect((await runVector(vector('set', {}, { ok: { scope: ['a', 'b'] } }), ops)).passed).toBe(true);
    expect((await runVector(vector('set', {}, { ok: { list: ['a', 'b'] } }), ops)).passed).toBe(false);
  });
  it('compares headers as a subset', async () => {
    const input = { result: { headers: { 'content-type': 'x', accept: 'y' } } };
    expect((await runVector(vector('echo', input, { ok: { headers: { accept: 'y' } } }), ops)).passed).toBe(true);
    expect((await runVector(vector('echo', input, { ok: { headers: { accept: 'z' } } }), ops)).passed).toBe(false);
  });
  it('checks error expectations and their status', async () => {
    expect((await runVector(vector('fail', { status: 'invalid_token' }, { error: {} }), ops)).passed).toBe(true);
    expect((await runVector(vector('fail', { status: 'invalid_token' }, { error: { status: 'invalid_token' } }), ops)).passed).toBe(true);
    expect((await runVector(vector('fail', { status: 'invalid_token' }, { error: { status: 'insufficient_scope' } }), ops)).passed).toBe(false);
    expect((await runVector(vector('fail', {}, { ok: {} }), ops)).passed).toBe(false);
    expect((await runVector(vector('echo', { result: {} }, { error: {} }), ops)).passed).toBe(false);
  });
  it('fails, never skips: unknown op, crash, malformed vector', async () => {
    expect((await runVector(vector('nope', {}, { ok: {} }), ops)).detail).toContain('unknown op');
    expect((await runVector(vector('crash', {}, { error: {} }), ops)).detail).toContain('not OAuthBearerError');
    expect((await runVector(vector('echo', {}, { ok: {}, error: {} }), ops)).passed).toBe(false);
    expect((await runVector('x', ops)).passed).toBe(false);
  });
  it('turns Maps into objects', async () => {
    expect((await runVector(vector('map', {}, { ok: { extensions: { a: '1' } } }), ops)).passed).toBe(true);
  });
});

describe('runVectorFile', () => {
  it('counts and refuses duplicate ids and a wrong format', async () => {
    const file = { format: VECTOR_FORMAT, vectors: [vector('echo', { result: {} }, { ok: {} }, 'a'), vector('echo', { result: {} }, { ok: {} }, 'a'), vector('x', {}, { ok: {} }, 'b')] };
    const r = await runVectorFile(file, ops);
    expect([r.passed, r.failed]).toEqual([1, 2]);
    await expect(runVectorFile({ format: 'other', vectors: [] }, ops)).rejects.toMatchObject({ code: 'ERR_VECTOR_FORMAT' });
  });
});

describe('allOps', () => {
  it('defines no operation name in two areas', () => {
    const names = Object.values(opsByArea).flatMap((area) => Object.keys(area));
    expect(names.length).toBe(new Set(names).size);
  });
});
