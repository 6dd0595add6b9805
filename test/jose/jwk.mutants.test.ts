// JWK shape checks (RFC 7517, RFC 7518 §6, RFC 8037, RFC 8725 §3.1) to the edge: each refusal's code and exact
// message (with the kid, cut at 64 characters), the RSA modulus and exponent limits at limit and limit + 1,
// coordinate lengths per curve, bitLength on leading zeros, the per-object memo of jwkFitsAlgorithm (frozen keys
// only), privateMembers' copy, and parseJwks' size limit, key count limit, skipped entries and kept causes.
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import { bitLength, checkJwkForAlgorithm, jwkFitsAlgorithm, MAX_JWKS_KEYS, MAX_JWKS_LENGTH, MAX_RSA_MODULUS_BITS, parseJwks, privateMembers } from '../../src/jose/jwk.js';
import type { Jwk, JwsAlgorithm } from '../../src/ports.js';
import { testKey } from './ports.js';

const b64u = (bytes: Uint8Array | number[]): string => Buffer.from(Uint8Array.from(bytes)).toString('base64url');
const rsa = testKey('RS256').publicJwk;
const ec = testKey('ES256').publicJwk;
const ecPrivate = testKey('ES256').privateJwk;
const ed = testKey('EdDSA').publicJwk;

function refusal(jwk: unknown, alg: JwsAlgorithm = 'RS256', purpose: 'verify' | 'sign' = 'verify'): OAuthBearerError {
  try {
    checkJwkForAlgorithm(jwk as Jwk, alg, purpose);
  } catch (e) {
    expect(e).toBeInstanceOf(OAuthBearerError);
    return e as OAuthBearerError;
  }
  throw new Error('expected a refusal');
}

const accepted = (jwk: Jwk, alg: JwsAlgorithm = 'RS256', purpose: 'verify' | 'sign' = 'verify') => expect(() => checkJwkForAlgorithm(jwk, alg, purpose)).not.toThrow();

describe('bitLength', () => {
  it('counts bits of a big-endian integer, ignoring leading zero bytes', () => {
    expect(bitLength(new Uint8Array([]))).toBe(0);
    expect(bitLength(new Uint8Array([0, 0]))).toBe(0);
    expect(bitLength(new Uint8Array([0, 1]))).toBe(1);
    expect(bitLength(new Uint8Array([0x80]))).toBe(8);
    expect(bitLength(new Uint8Array([1, 0]))).toBe(9);
    expect(bitLength(new Uint8Array([0, 0, 0x80, 0]))).toBe(16);
  });
});

describe('checkJwkForAlgorithm', () => {
  it('refuses what is not a JWK object, typed, null included', () => {
    for (const bad of [null, undefined, 'k', [rsa]]) {
      const e = refusal(bad);
      expect([e.code, e.message]).toEqual(['ERR_JWK', 'The key must be a JWK object (RFC 7517 §4)']);
    }
    expect(refusal(null, 'ES256', 'sign').code).toBe('ERR_PRIVATE_KEY');
  });

  it('refuses an algorithm it does not know', () => {
    expect(refusal(rsa, 'HS256' as JwsAlgorithm).message).toBe('Unsupported algorithm "HS256"');
  });

  it('names the kid (cut at 64 characters) and what does not fit: kty, alg, use, key_ops', () => {
    const kid = 'k'.repeat(70);
    const shown = `(kid "${'k'.repeat(64)}")`;
    expect(refusal({ ...ec, kid }).message).toBe(`The JWK ${shown} has kty "EC" but RS256 needs kty "RSA" (RFC 8725 §3.1)`);
    expect(refusal(ec).message).toBe('The JWK has kty "EC" but RS256 needs kty "RSA" (RFC 8725 §3.1)');
    expect(refusal({ ...rsa, kid: 'a', alg: 'RS384' }).message).toBe('The JWK (kid "a") is for alg "RS384", not RS256 (RFC 7517 §4.4)');
    expect(refusal({ ...rsa, use: 'enc' }).message).toBe('The JWK has use "enc", not "sig" (RFC 7517 §4.2)');
    expect(refusal({ ...rsa, key_ops: ['sign'] }).message).toBe('The JWK key_ops does not include "verify" (RFC 7517 §4.3)');
    expect(refusal({ ...rsa, key_ops: 'verify' }).message).toBe('The JWK key_ops does not include "verify" (RFC 7517 §4.3)');
    accepted({ ...rsa, alg: 'RS256', use: 'sig', key_ops: ['verify'] });
  });

  it('signing needs "d", said as ERR_PRIVATE_KEY', () => {
    const e = refusal({ ...ec, kid: 'p' }, 'ES256', 'sign');
    expect([e.code, e.message]).toEqual(['ERR_PRIVATE_KEY', 'The JWK (kid "p") has no private member "d"; signing needs a private key']);
    accepted(ecPrivate, 'ES256', 'sign');
    expect(refusal({ ...ecPrivate, d: b64u(new Uint8Array(31)) }, 'ES256', 'sign').message).toBe('The JWK "d" must be 32 bytes for P-256');
  });

  it('a missing, empty or non-base64url member is named, with the decoder\'s reason as cause', () => {
    for (const n of [undefined, '', 5]) {
      const e = refusal({ ...rsa, n });
      expect([e.code, e.message]).toEqual(['ERR_JWK', 'The JWK has no "n" member; an RSA key needs one (RFC 7518 §6)']);
    }
    const e = refusal({ ...rsa, n: 'not*base64' });
    expect(e.message).toBe('The JWK "n" member is not base64url (RFC 7518 §6)');
    expect(e.cause).toBeInstanceOf(OAuthBearerError);
    expect((e.cause as Error).message).toContain('JWK "n" member');
  });

  it(`accepts an RSA modulus of ${MAX_RSA_MODULUS_BITS} bits and refuses one bit more`, () => {
    const at = new Uint8Array(MAX_RSA_MODULUS_BITS / 8).fill(0xff);
    accepted({ kty: 'RSA', n: b64u(at), e: 'AQAB' });
    const over = new Uint8Array(MAX_RSA_MODULUS_BITS / 8 + 1).fill(0xff);
    over[0] = 1;
    expect(refusal({ kty: 'RSA', kid: 'big', n: b64u(over), e: 'AQAB' }).message)
      .toBe(`The RSA JWK (kid "big") has a ${MAX_RSA_MODULUS_BITS + 1}-bit modulus; the limit is ${MAX_RSA_MODULUS_BITS}`);
  });

  it('accepts a public exponent of 2 bits up to 8 bytes; refuses 1, 0 and 9 bytes', () => {
    accepted({ ...rsa, e: b64u([3]) });
    accepted({ ...rsa, e: b64u([0x80, 0, 0, 0, 0, 0, 0, 1]) });
    for (const e of [[1], [0], [0, 0, 0, 0, 0, 0, 0, 0, 1], [1, 0, 0, 0, 0, 0, 0, 0, 1]]) {
      expect(refusal({ ...rsa, e: b64u(e) }).message).toBe('The RSA JWK has an unusable public exponent');
    }
  });

  it('names a wrong curve and wrong coordinate lengths', () => {
    expect(refusal({ ...ec, kid: 'c', crv: 'P-384' }, 'ES256').message).toBe('The JWK (kid "c") has crv "P-384" but ES256 needs crv "P-256" (RFC 7518 §3.4, RFC 8037 §3.1)');
    expect(refusal({ ...ec, x: b64u(new Uint8Array(31)) }, 'ES256').message).toBe('The JWK "x" must be 32 bytes for P-256');
    expect(refusal({ ...ec, y: b64u(new Uint8Array(33)) }, 'ES256').message).toBe('The JWK "y" must be 32 bytes for P-256');
    expect(refusal({ ...ed, x: b64u(new Uint8Array(33)) }, 'EdDSA').message).toBe('The JWK "x" must be 32 bytes for Ed25519');
    accepted(ed, 'EdDSA');
  });
});

describe('jwkFitsAlgorithm', () => {
  it('checks for verification: key_ops ["verify"] fits', () => {
    expect(jwkFitsAlgorithm({ ...rsa, key_ops: ['verify'] }, 'RS256')).toBe(true);
    expect(jwkFitsAlgorithm({ ...rsa, key_ops: ['sign'] }, 'RS256')).toBe(false);
  });

  it('a key object that can change is checked again each time', () => {
    const key: Jwk = { ...rsa };
    expect(jwkFitsAlgorithm(key, 'RS256')).toBe(true);
    key.kty = 'EC';
    expect(jwkFitsAlgorithm(key, 'RS256')).toBe(false);
  });

  it('a frozen key (parseJwks output) is checked once per algorithm, then answered from memory', () => {
    const [frozen] = parseJwks({ keys: [rsa] }).keys;
    let reads = 0;
    const watched = new Proxy(frozen!, { get: (target, name) => { reads++; return Reflect.get(target, name); } });
    expect(Object.isFrozen(watched)).toBe(true);
    expect(jwkFitsAlgorithm(watched, 'RS256')).toBe(true);
    expect(jwkFitsAlgorithm(watched, 'ES256')).toBe(false);
    const afterFirst = reads;
    expect(afterFirst).toBeGreaterThan(0);
    expect(jwkFitsAlgorithm(watched, 'RS256')).toBe(true);
    expect(jwkFitsAlgorithm(watched, 'ES256')).toBe(false);
    expect(reads).toBe(afterFirst);
  });
});

describe('privateMembers', () => {
  it('copies only the private members an RSA key has, and none of RSA\'s for other key types', () => {
    const rsaPrivate = testKey('RS256').privateJwk;
    const bare = privateMembers({ kty: 'RSA', n: rsaPrivate.n, e: rsaPrivate.e, d: rsaPrivate.d });
    expect(Object.keys(bare).sort()).toEqual(['d', 'e', 'kty', 'n']);
    expect(Object.keys(privateMembers(rsaPrivate)).sort()).toEqual(['d', 'dp', 'dq', 'e', 'kty', 'n', 'p', 'q', 'qi']);
    expect(Object.keys(privateMembers({ ...ecPrivate, p: 'AQ' })).sort()).toEqual(['crv', 'd', 'kty', 'x', 'y']);
  });
});

describe('parseJwks', () => {
  it(`accepts a text of MAX_JWKS_LENGTH characters and refuses one more, naming the limit`, () => {
    const doc = `{"keys":[]}`;
    expect(parseJwks(doc + ' '.repeat(MAX_JWKS_LENGTH - doc.length)).keys).toEqual([]);
    let error: unknown;
    try {
      parseJwks(doc + ' '.repeat(MAX_JWKS_LENGTH - doc.length + 1));
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'ERR_JWKS', message: `The JWKS is ${MAX_JWKS_LENGTH + 1} characters; the limit is ${MAX_JWKS_LENGTH} (MAX_JWKS_LENGTH)` });
  });

  it('text that is not JSON is ERR_JWKS with the parser\'s reason, naming the JWKS, as cause', () => {
    let error: OAuthBearerError | undefined;
    try {
      parseJwks('{"keys": [}');
    } catch (e) {
      error = e as OAuthBearerError;
    }
    expect([error?.code, error?.message]).toEqual(['ERR_JWKS', 'The JWKS is not valid JSON (RFC 7517 §5)']);
    expect(error!.cause).toBeInstanceOf(OAuthBearerError);
    expect((error!.cause as Error).message).toContain('JWKS');
  });

  it('names the shape it needs', () => {
    for (const bad of ['[]', '{"keys":{}}', 5, null]) {
      let error: unknown;
      try {
        parseJwks(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'ERR_JWKS', message: 'The JWKS must be a JSON object with a "keys" array (RFC 7517 §5)' });
    }
  });

  it(`keeps at most ${MAX_JWKS_KEYS} keys`, () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ ...ed, kid: `k${i}` }));
    expect(parseJwks({ keys: many(MAX_JWKS_KEYS) }).keys).toHaveLength(MAX_JWKS_KEYS);
    const kept = parseJwks({ keys: many(MAX_JWKS_KEYS + 1) }).keys;
    expect(kept).toHaveLength(MAX_JWKS_KEYS);
    expect(kept.at(-1)!.kid).toBe(`k${MAX_JWKS_KEYS - 1}`);
  });

  it('skips entries that are not objects or whose kty it does not know, keeping the others in order', () => {
    const { keys } = parseJwks({ keys: [5, null, 'x', [ec], { kty: 'oct', k: 'AA' }, { kid: 'none' }, { ...ed, kid: 'e' }, { ...ec, kid: 'c' }, { ...rsa, kid: 'r' }] });
    expect(keys.map((k) => k.kid)).toEqual(['e', 'c', 'r']);
  });
});
