// Compact JWS parsing and verification (RFC 7515 §7.1, §5.2; RFC 8725 §3.1) beyond the vectors: each refusal's
// message (what was wrong, the RFC, the limit), the size limits at limit and limit + 1, the header cache, the
// duplicate-name fast path at its edges, and key candidates on an asynchronous port.
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import type { CryptoPort, Jwk, JwsAlgorithm } from '../../src/ports.js';
import {
  decodeJws, decodePayload, MAX_HEADER_LENGTH, noKey, parseJoseObject, provablyNoDuplicates, splitJws, verifyJws,
  verifySignature, verifyWithKeys, HEADER_CACHE_ENTRIES,
} from '../../src/jose/jws.js';
import { createWebCryptoPort } from '../../src/jose/webcrypto.js';
import { nodeCryptoPort } from '../../src/node/crypto.js';
import { signJwt, testKey } from './ports.js';
import { caught } from '../helpers.js';

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const SIG = b64('signature');
let unique = 0;
/** A header no other test has sent, so the header cache starts cold for it. */
const freshHeader = (extra: Record<string, unknown> = {}): string => b64({ alg: 'ES256', typ: `JWT-${unique++}`, ...extra });

const refusal = caught;

async function asyncRefusal(p: Promise<unknown>): Promise<OAuthBearerError> {
  const e = await p.then(() => null, (error: unknown) => error);
  expect(e).toBeInstanceOf(OAuthBearerError);
  return e as OAuthBearerError;
}

const THREE_PARTS = 'The token is not a compact JWS: it must have exactly three base64url parts separated by "." (RFC 7515 §7.1)';

describe('splitJws and decodeJws: the compact serialization (RFC 7515 §7.1)', () => {
  it('decodes header, alg, kid, payload, signing input and signature', () => {
    const header = b64({ alg: 'ES256', kid: 'k1' });
    const payload = b64({ sub: 'alice' });
    const jws = decodeJws(`${header}.${payload}.${SIG}`);
    expect(jws.header).toEqual({ alg: 'ES256', kid: 'k1' });
    expect([jws.alg, jws.kid]).toEqual(['ES256', 'k1']);
    expect(new TextDecoder().decode(jws.payload)).toBe('{"sub":"alice"}');
    expect(new TextDecoder().decode(jws.signingInput)).toBe(`${header}.${payload}`);
    expect(new TextDecoder().decode(jws.signature)).toBe('signature');
    expect(Object.keys(jws).sort()).toEqual(['alg', 'header', 'kid', 'payload', 'signature', 'signingInput']);
  });

  it('decodes the parts into the shared pool rather than a fresh array each', () => {
    const jws = decodeJws(`${b64({ alg: 'ES256' })}.${b64({ sub: 'alice' })}.${SIG}`);
    expect(jws.signature.buffer.byteLength).toBeGreaterThan(jws.signature.length);
  });

  it('refuses anything but three parts, naming the rule', () => {
    for (const token of ['abc', `${b64({ alg: 'ES256' })}.${SIG}`, `${b64({ alg: 'ES256' })}.e30.${SIG}.x`, 'a.b.c.d.e', '..', '...']) {
      const e = refusal(() => splitJws(token));
      expect([e.code, e.message], token).toEqual(['ERR_JWS_FORMAT', token === '..' ? 'The JWS has an empty header part (RFC 7515 §7.1)' : THREE_PARTS]);
    }
  });

  it('refuses an empty header part as such', () => {
    const e = refusal(() => splitJws(`.${b64({})}.${SIG}`));
    expect([e.code, e.message]).toEqual(['ERR_JWS_FORMAT', 'The JWS has an empty header part (RFC 7515 §7.1)']);
  });

  it('refuses a token that is not a string', () => {
    const e = refusal(() => splitJws(42 as unknown as string));
    expect([e.code, e.message]).toEqual(['ERR_USAGE_ARGUMENT', 'The token must be a string']);
  });

  it('accepts a token of exactly maxLength characters and refuses one more', () => {
    const token = `${freshHeader()}.${b64({})}.${SIG}`;
    expect(splitJws(token, undefined, undefined, token.length).alg).toBe('ES256');
    const e = refusal(() => splitJws(token, undefined, undefined, token.length - 1));
    expect([e.code, e.message]).toEqual(['ERR_INPUT_TOO_LARGE', `The JWS is ${token.length} characters; the limit is ${token.length - 1} (maxTokenLength)`]);
  });

  it(`accepts a header part of exactly MAX_HEADER_LENGTH (${MAX_HEADER_LENGTH}) characters and refuses one more`, () => {
    const json = JSON.stringify({ alg: 'ES256', pad: '' });
    const header = b64({ alg: 'ES256', pad: 'a'.repeat((MAX_HEADER_LENGTH / 4) * 3 - json.length) });
    expect(header.length).toBe(MAX_HEADER_LENGTH);
    expect(splitJws(`${header}.e30.${SIG}`).alg).toBe('ES256');
    const e = refusal(() => splitJws(`${'a'.repeat(MAX_HEADER_LENGTH + 1)}.e30.${SIG}`));
    expect([e.code, e.message]).toEqual(['ERR_INPUT_TOO_LARGE', `The JWS header is ${MAX_HEADER_LENGTH + 1} characters; the limit is ${MAX_HEADER_LENGTH} (MAX_HEADER_LENGTH)`]);
  });

  it('names the part that is not base64url, with the decoder\'s reason as the cause', () => {
    let e = refusal(() => splitJws(`${b64({ alg: 'ES256' })}.e30.${SIG}=`));
    expect([e.code, e.message]).toEqual(['ERR_JWS_FORMAT', 'The JWS signature is not unpadded base64url (RFC 7515 §2, §7.1)']);
    expect(e.cause).toBeDefined();
    e = refusal(() => splitJws(`e30!.e30.${SIG}`));
    expect([e.code, e.message]).toEqual(['ERR_JWS_FORMAT', 'The JWS header is not unpadded base64url (RFC 7515 §2, §7.1)']);
    expect(e.cause).toBeDefined();
    e = refusal(() => decodeJws(`${b64({ alg: 'ES256' })}.e30*.${SIG}`));
    expect([e.code, e.message]).toEqual(['ERR_JWS_FORMAT', 'The JWS payload is not unpadded base64url (RFC 7515 §2, §7.1)']);
    e = refusal(() => decodePayload('e30*'));
    expect(e.message).toBe('The JWS payload is not unpadded base64url (RFC 7515 §2, §7.1)');
  });

  it('refuses a header that is not JSON, with the parser\'s reason as the cause', () => {
    const e = refusal(() => splitJws(`${b64('{"alg":')}.e30.${SIG}`));
    expect([e.code, e.message]).toEqual(['ERR_JWS_HEADER', 'The JWS header is not UTF-8 JSON (RFC 7515 §5.2, RFC 7519 §7.2)']);
    expect(e.cause).toBeInstanceOf(SyntaxError);
  });

  it('refuses a header without an "alg" string, and "none", each with its own message', () => {
    let e = refusal(() => splitJws(`${b64({ typ: 'JWT' })}.e30.${SIG}`));
    expect([e.code, e.message]).toEqual(['ERR_JWS_HEADER', 'The JWS header has no "alg" string (RFC 7515 §4.1.1)']);
    expect('cause' in e).toBe(false);
    e = refusal(() => splitJws(`${b64({ alg: 7 })}.e30.${SIG}`));
    expect(e.code).toBe('ERR_JWS_HEADER');
    e = refusal(() => splitJws(`${b64({ alg: 'none' })}.e30.${SIG}`));
    expect([e.code, e.message]).toEqual(['ERR_JWS_ALG', 'The JWS is unsecured (alg "none"); signed tokens are required (RFC 8725 §3.1)']);
  });

  it('refuses an alg off the allow-list, listing the allowed ones and at most 32 characters of the alg', () => {
    let e = refusal(() => splitJws(`${b64({ alg: 'RS256' })}.e30.${SIG}`, ['ES256', 'EdDSA']));
    expect([e.code, e.message]).toEqual(['ERR_JWS_ALG', 'The JWS alg "RS256" is not allowed; allowed: ES256, EdDSA (RFC 8725 §3.1)']);
    e = refusal(() => splitJws(`${b64({ alg: `X${'y'.repeat(100)}` })}.e30.${SIG}`, ['ES256']));
    expect(e.message).toBe(`The JWS alg "X${'y'.repeat(31)}" is not allowed; allowed: ES256 (RFC 8725 §3.1)`);
  });

  it('names a repeated header member, at most 64 characters of it', () => {
    const name = 'n'.repeat(100);
    const e = refusal(() => splitJws(`${b64(`{"alg":"ES256","${name}":1,"${name}":2}`)}.e30.${SIG}`));
    expect([e.code, e.message]).toEqual(['ERR_JWS_HEADER', `The JWS header names member "${'n'.repeat(64)}" twice; duplicates are refused (RFC 7515 §5.2)`]);
  });

  it('hands back the same frozen header for a header seen before, while the cache holds it', () => {
    const a = `${freshHeader()}.e30.${SIG}`;
    const b = `${freshHeader()}.e30.${SIG}`;
    const first = splitJws(a).header;
    expect(Object.isFrozen(first)).toBe(true);
    splitJws(b);
    expect(splitJws(a).header).toBe(first);
  });

  it(`remembers HEADER_CACHE_ENTRIES (${HEADER_CACHE_ENTRIES}) headers, the oldest leaving first`, () => {
    const kept = `${freshHeader()}.e30.${SIG}`;
    const keptHeader = splitJws(kept).header;
    for (let i = 1; i < HEADER_CACHE_ENTRIES; i++) splitJws(`${freshHeader()}.e30.${SIG}`);
    expect(splitJws(kept).header).toBe(keptHeader);

    const evicted = `${freshHeader()}.e30.${SIG}`;
    const evictedHeader = splitJws(evicted).header;
    for (let i = 0; i < HEADER_CACHE_ENTRIES; i++) splitJws(`${freshHeader()}.e30.${SIG}`);
    const again = splitJws(evicted).header;
    expect(again).toEqual(evictedHeader);
    expect(again).not.toBe(evictedHeader);
  });
});

describe('provablyNoDuplicates at its edges', () => {
  const nested = (levels: number): string => `${'{"k":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;

  it('gives up on whitespace before any ":" (newline, carriage return, tab, space), where a name could hide', () => {
    for (const ws of ['\n', '\r', '\t', ' ']) {
      const text = `{"a"${ws}:1,"a":2}`;
      expect(provablyNoDuplicates(text, JSON.parse(text)), JSON.stringify(ws)).toBe(false);
      expect(() => parseJoseObject(new TextEncoder().encode(text), 'JWT claims set', 'ERR_JWT_CLAIM')).toThrow('names member "a" twice');
    }
  });

  it('proves objects nested 33 deep, and gives up from 34 (depth 32 is the last counted)', () => {
    expect(provablyNoDuplicates(nested(33), JSON.parse(nested(33)))).toBe(true);
    expect(provablyNoDuplicates(nested(34), JSON.parse(nested(34)))).toBe(false);
  });

  it('counts empty objects in arrays, a member named "undefined" once, and JSON without objects as nothing to repeat', () => {
    for (const text of ['{"a":[{}]}', '{"a":[{},[{"b":{}}]]}', '{"undefined":{"a":1}}', '"x"', '[1,"a"]']) {
      expect(provablyNoDuplicates(text, JSON.parse(text)), text).toBe(true);
    }
  });
});

describe('verifyJws and key candidates', () => {
  const es = testKey('ES256');
  const other = testKey('ES256', 'other');
  const token = signJwt(es, { sub: 'alice' });
  const withKid = signJwt(es, { sub: 'alice' }, { kid: 'k1' });

  it('returns the verifying key with the decoded JWS', async () => {
    const keys: Jwk[] = [other.publicJwk, es.publicJwk];
    const verified = await verifyJws(token, keys, { crypto: nodeCryptoPort });
    expect(verified.key).toBe(es.publicJwk);
    expect(verified.alg).toBe('ES256');
    expect(new TextDecoder().decode(verified.payload)).toBe('{"sub":"alice"}');
  });

  it('applies the given allow-list, and the default one without it', async () => {
    let e = await asyncRefusal(verifyJws(token, [es.publicJwk], { crypto: nodeCryptoPort, algorithms: ['EdDSA'] }));
    expect(e.message).toBe('The JWS alg "ES256" is not allowed; allowed: EdDSA (RFC 8725 §3.1)');
    await expect(verifyJws(token, [es.publicJwk], { crypto: nodeCryptoPort })).resolves.toMatchObject({ alg: 'ES256' });
    e = await asyncRefusal(verifyJws(signJwt(testKey('EdDSA'), {}), [es.publicJwk], { crypto: nodeCryptoPort }));
    expect(e.code).toBe('ERR_JWKS_NO_KEY');
  });

  it('says which key was missing, with and without a kid', async () => {
    let e = await asyncRefusal(verifyJws(token, [testKey('EdDSA').publicJwk], { crypto: nodeCryptoPort }));
    expect([e.code, e.message]).toEqual(['ERR_JWKS_NO_KEY', 'No ES256 key in the JWKS fits a token that names no kid (RFC 7515 §4.1.4, RFC 8725 §3.1)']);
    e = await asyncRefusal(verifyJws(withKid, [{ ...es.publicJwk, kid: 'k2' }], { crypto: nodeCryptoPort }));
    expect([e.code, e.message]).toEqual(['ERR_JWKS_NO_KEY', 'kid "k1" is not in the JWKS (no ES256 key with kid "k1"; RFC 7515 §4.1.4, RFC 8725 §3.1)']);
    const long = 'q'.repeat(100);
    expect(noKey({ alg: 'RS256', kid: long }).message).toBe(`kid "${'q'.repeat(64)}" is not in the JWKS (no RS256 key with kid "${'q'.repeat(64)}"; RFC 7515 §4.1.4, RFC 8725 §3.1)`);
  });

  it('says which key did not verify, with and without a kid (at most 64 characters of it)', async () => {
    let e = await asyncRefusal(verifyJws(token, [other.publicJwk], { crypto: nodeCryptoPort }));
    expect([e.code, e.message]).toEqual(['ERR_JWS_SIGNATURE', 'The JWS signature does not verify with any ES256 key (RFC 7515 §5.2 step 8)']);
    e = await asyncRefusal(verifyJws(withKid, [{ ...other.publicJwk, kid: 'k1' }], { crypto: nodeCryptoPort }));
    expect(e.message).toBe('The JWS signature does not verify with any ES256 key with kid "k1" (RFC 7515 §5.2 step 8)');
    const long = 'q'.repeat(100);
    e = await asyncRefusal(verifyJws(signJwt(es, {}, { kid: long }), [{ ...other.publicJwk, kid: long }], { crypto: nodeCryptoPort }));
    expect(e.message).toBe(`The JWS signature does not verify with any ES256 key with kid "${'q'.repeat(64)}" (RFC 7515 §5.2 step 8)`);
  });

  it('on an asynchronous port, tries the next candidate after one fails, importing each once', async () => {
    const web = createWebCryptoPort();
    const imports = new Map<Jwk, number>();
    const counting: CryptoPort = {
      ...web,
      importPublicJwk: (jwk: Jwk, alg: JwsAlgorithm) => (imports.set(jwk, (imports.get(jwk) ?? 0) + 1), web.importPublicJwk(jwk, alg)),
    };
    const jws = splitJws(token);
    const keys = [other.publicJwk, testKey('ES256', 'third').publicJwk, es.publicJwk];
    expect(await verifyWithKeys(jws, keys, counting)).toBe(es.publicJwk);
    expect([...imports.values()]).toEqual([1, 1, 1]);
    // Now every import is cached (synchronous) and only verify is asynchronous.
    expect(await verifyWithKeys(jws, keys, web)).toBe(es.publicJwk);
    expect(await verifyWithKeys(jws, [other.publicJwk, es.publicJwk], web)).toBe(es.publicJwk);
    expect(await verifyWithKeys(jws, [other.publicJwk], web)).toBeNull();
    expect(await verifyWithKeys(jws, [es.publicJwk], web)).toBe(es.publicJwk);
  });
});

describe('verifySignature', () => {
  it('refuses an unknown alg, quoting at most 32 characters of it', async () => {
    const e = await asyncRefusal(verifySignature(testKey('ES256').publicJwk, `HS${'9'.repeat(50)}`, new Uint8Array(1), new Uint8Array(64), nodeCryptoPort));
    expect([e.code, e.message]).toEqual(['ERR_JWS_ALG', `The algorithm "HS${'9'.repeat(30)}" is not supported; never "none" or HMAC with a public key (RFC 8725 §3.1)`]);
  });
});
