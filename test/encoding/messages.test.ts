// The encoding layer's refusals by their whole messages (what was wrong, where), and the byte pool's exact fill.
import { describe, expect, it } from 'vitest';
import { decodeBase64url } from '../../src/encoding/base64.js';
import { parseJsonObject } from '../../src/encoding/json.js';
import { pooledBytes } from '../../src/encoding/pool.js';
import { caught } from '../helpers.js';

describe('encoding refusals', () => {
  it('base64url: a length that leaves a lone final character, and a last character with unused bits set', () => {
    expect(caught(() => decodeBase64url('abcde', { what: 'JWS payload' }))).toMatchObject({
      code: 'ERR_BASE64', message: 'The JWS payload is not base64url: its length (5) leaves a lone final character',
    });
    // "AB": 000000 000001, one byte (0x00) and four unused bits that are not zero.
    expect(caught(() => decodeBase64url('AB', { what: 'signature' }))).toMatchObject({
      code: 'ERR_BASE64', message: 'The signature is not canonical base64url: its last character has unused bits set',
    });
    expect(decodeBase64url('AB', { canonical: false })).toEqual(new Uint8Array([0]));
  });

  it('JSON: a value that is not an object, named by what it is, or "JSON text" by default', () => {
    expect(caught(() => parseJsonObject('[1]', { what: 'token response' }))).toMatchObject({ code: 'ERR_JSON', message: 'The token response must be a JSON object' });
    expect(caught(() => parseJsonObject('null'))).toMatchObject({ code: 'ERR_JSON', message: 'The JSON text must be a JSON object' });
  });
});

describe('the byte pool', () => {
  it('serves a request that fills the pool exactly from the same pool, and starts a new one only past it', () => {
    // Requests of 2048 bytes (the largest pooled) until one opens a fresh pool: then 2048 of its 8192 bytes are used.
    let first = pooledBytes(2048);
    for (let i = 0; i < 8 && first.byteOffset !== 0; i++) first = pooledBytes(2048);
    expect(first.byteOffset).toBe(0);
    const views = [pooledBytes(2048), pooledBytes(2048), pooledBytes(2048)];
    expect(views.map((v) => v.byteOffset)).toEqual([2048, 4096, 6144]);
    for (const v of views) expect(v.buffer).toBe(first.buffer);
    const next = pooledBytes(8);
    expect(next.buffer).not.toBe(first.buffer);
    expect(next.byteOffset).toBe(0);
  });
});
