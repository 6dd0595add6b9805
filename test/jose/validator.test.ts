// The broker validator beyond the vectors: synchronous results on the node:crypto port, the verified-token cache
// (hit, eviction at exp, eviction when the key leaves the key set, bound size, binding still checked), and the
// rule that every failure is an OAuthBearerError with status invalid_token (a fast-check property over arbitrary
// input, and over mutations of a valid token).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import type { Jwk, JwsAlgorithm } from '../../src/ports.js';
import type { BearerToken } from '../../src/token.js';
import { createJwtValidator } from '../../src/jose/validator.js';
import { validateClientJwt } from '../../src/jose/claims.js';
import { duplicateMemberName, provablyNoDuplicates } from '../../src/jose/jws.js';
import { parseJwks, selectKeys } from '../../src/jose/jwk.js';
import type { KeySource } from '../../src/jose/jwks.js';
import { webCryptoPort } from '../../src/jose/webcrypto.js';
import { nodeCryptoPort } from '../../src/node/crypto.js';
import { signJwt, testKey } from './ports.js';
import { caught } from '../helpers.js';

const NOW = 1_700_000_000;
const NOW_MS = NOW * 1000;
const claims = { sub: 'alice', iat: NOW - 10, exp: NOW + 600, scope: ['read', 'write'] };
const ed = testKey('EdDSA');
const jwks = { keys: [{ ...ed.publicJwk, kid: 'k1' }] };

const invalidToken = (f: () => unknown): OAuthBearerError => caught(f, 'invalid_token');

/** A key source whose set the test can change, standing for a rotating JWKS. */
function mutableSource(initial: readonly Jwk[]): KeySource & { set(keys: readonly Jwk[]): void } {
  let keys = parseJwks({ keys: initial }).keys;
  return {
    keysFor: (alg: JwsAlgorithm, kid: string | undefined) => selectKeys(keys, alg, kid),
    hasKey: (jwk: Jwk) => keys.includes(jwk),
    set(next) { keys = parseJwks({ keys: next }).keys; },
  };
}

describe('createJwtValidator', () => {
  it('is synchronous on the node:crypto port with a static JWKS, and returns Kafka\'s token facts', () => {
    const validate = createJwtValidator({ keys: jwks, crypto: nodeCryptoPort });
    const token = signJwt(ed, claims, { kid: 'k1' });
    const result = validate(token, { nowMs: NOW_MS }) as BearerToken;
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toEqual({ value: token, principal: 'alice', scope: ['read', 'write'], lifetimeMs: (NOW + 600) * 1000, startTimeMs: (NOW - 10) * 1000 });
  });

  it('tells the signature\'s verdict before the payload\'s or the claims\', on a synchronous and an asynchronous port alike', async () => {
    // On an asynchronous port the claims are checked while the signature is verified; the order seen must not change.
    const es = testKey('ES256');
    const keys = { keys: [{ ...es.publicJwk, kid: 'e1' }] };
    const expired = signJwt(es, { ...claims, exp: NOW - 100 }, { kid: 'e1' });
    const forged = `${expired.slice(0, expired.lastIndexOf('.') + 1)}${Buffer.alloc(64, 7).toString('base64url')}`;
    const noSub = signJwt(es, { iat: NOW - 10, exp: NOW + 600 }, { kid: 'e1' });
    for (const crypto of [nodeCryptoPort, webCryptoPort]) {
      const validate = createJwtValidator({ keys, crypto, cacheEntries: 0 });
      const code = async (token: string): Promise<string> => {
        try {
          await validate(token, { nowMs: NOW_MS });
        } catch (e) {
          expect((e as OAuthBearerError).status).toBe('invalid_token');
          return (e as OAuthBearerError).code;
        }
        return 'accepted';
      };
      expect(await code(forged)).toBe('ERR_JWS_SIGNATURE');
      // Nor does a forged token's payload get a say when it is not even base64url JSON.
      const [h, , sig] = forged.split('.');
      expect(await code(`${h}.${Buffer.from('not json').toString('base64url')}.${sig}`)).toBe('ERR_JWS_SIGNATURE');
      expect(await code(`${h}.e30=.${sig}`)).toBe('ERR_JWS_SIGNATURE');
      expect(await code(expired)).toBe('ERR_JWT_EXPIRED');
      expect(await code(noSub)).toBe('ERR_JWT_CLAIM');
      expect(await code(signJwt(es, claims, { kid: 'e1' }))).toBe('accepted');
    }
  });

  it('keeps concurrent validations apart on the WebCrypto port (claims checked while signatures verify)', async () => {
    const es = testKey('ES256');
    const keys = { keys: [{ ...es.publicJwk, kid: 'e1' }, { ...ed.publicJwk, kid: 'k1' }] };
    const validate = createJwtValidator({ keys, crypto: webCryptoPort, cacheEntries: 0 });
    // 200 tokens in flight at once: good ones with distinct subjects, forged ones, expired ones, by two keys.
    const cases = Array.from({ length: 200 }, (_, i) => {
      const key = i % 2 === 0 ? es : ed;
      const kid = i % 2 === 0 ? 'e1' : 'k1';
      const good = signJwt(key, { ...claims, sub: `user-${i}` }, { kid });
      if (i % 5 === 3) return { token: `${good.slice(0, good.lastIndexOf('.') + 1)}${Buffer.alloc(64, i).toString('base64url')}`, expect: 'ERR_JWS_SIGNATURE' };
      if (i % 5 === 4) return { token: signJwt(key, { ...claims, sub: `user-${i}`, exp: NOW - 100 }, { kid }), expect: 'ERR_JWT_EXPIRED' };
      return { token: good, expect: `user-${i}` };
    });
    const outcomes = await Promise.all(cases.map(async ({ token }) => {
      try {
        return (await validate(token, { nowMs: NOW_MS })).principal;
      } catch (e) {
        return (e as OAuthBearerError).code;
      }
    }));
    expect(outcomes).toEqual(cases.map((c) => c.expect));
  });

  it('answers a repeat from the cache (same frozen object), and still checks certificate binding on a hit', async () => {
    const validate = createJwtValidator({ keys: jwks, crypto: webCryptoPort });
    const thumb = 'A77fTHs2zJUZ6Jj7vCjWZbnBG_eV0ZlDP3bIMk5-4Ks';
    const token = signJwt(ed, { ...claims, cnf: { 'x5t#S256': thumb } }, { kid: 'k1' });
    const first = await validate(token, { nowMs: NOW_MS, certificateThumbprint: thumb });
    const again = validate(token, { nowMs: NOW_MS + 1000, certificateThumbprint: thumb });
    expect(again).toBe(first); // synchronous, no signature check
    expect(Object.isFrozen(first)).toBe(true);
    expect(invalidToken(() => validate(token, { nowMs: NOW_MS, certificateThumbprint: null })).code).toBe('ERR_CNF_MISMATCH');
    expect(invalidToken(() => validate(token, { nowMs: NOW_MS, certificateThumbprint: 'other' })).code).toBe('ERR_CNF_MISMATCH');
  });

  // Issue 12 item 2: binding failed open when the context left certificateThumbprint out (the README's example).
  it('fails closed on a bound token when the context gives no thumbprint, on a cache hit too; "ignore" is Kafka', async () => {
    const validate = createJwtValidator({ keys: jwks, crypto: webCryptoPort });
    const thumb = 'A77fTHs2zJUZ6Jj7vCjWZbnBG_eV0ZlDP3bIMk5-4Ks';
    const token = signJwt(ed, { ...claims, cnf: { 'x5t#S256': thumb } }, { kid: 'k1' });
    const refused = await Promise.resolve(validate(token, { nowMs: NOW_MS })).then(() => null, (e: OAuthBearerError) => e);
    expect(refused).toMatchObject({ code: 'ERR_CNF_MISMATCH', status: 'invalid_token', message: expect.stringContaining("certificateBinding: 'ignore'") });
    await validate(token, { nowMs: NOW_MS, certificateThumbprint: thumb });
    expect(invalidToken(() => validate(token, { nowMs: NOW_MS })).code).toBe('ERR_CNF_MISMATCH');
    const kafka = createJwtValidator({ keys: jwks, crypto: webCryptoPort, certificateBinding: 'ignore' });
    expect((await kafka(token, { nowMs: NOW_MS })).principal).toBe(claims.sub);
    const dpop = signJwt(ed, { ...claims, cnf: { jkt: 'abc' } }, { kid: 'k1' });
    await expect(Promise.resolve(validate(dpop, { nowMs: NOW_MS, certificateThumbprint: thumb }))).rejects.toMatchObject({ code: 'ERR_CNF_MISMATCH', message: expect.stringContaining('"jkt"') });
    expect(() => createJwtValidator({ keys: jwks, crypto: webCryptoPort, certificateBinding: 'off' as never })).toThrow(OAuthBearerError);
  });

  it('evicts a cached token at exp (with the clock skew), as a fresh check would fail', () => {
    const validate = createJwtValidator({ keys: jwks, crypto: nodeCryptoPort, clockSkewSeconds: 30 });
    const token = signJwt(ed, claims, { kid: 'k1' });
    validate(token, { nowMs: NOW_MS });
    expect(validate(token, { nowMs: (NOW + 600 + 29) * 1000 })).toMatchObject({ principal: 'alice' });
    expect(invalidToken(() => validate(token, { nowMs: (NOW + 600 + 30) * 1000 })).code).toBe('ERR_JWT_EXPIRED');
  });

  it('evicts a cached token when its key leaves the key set', () => {
    const other = testKey('EdDSA', 'other');
    const source = mutableSource([{ ...ed.publicJwk, kid: 'k1' }]);
    const validate = createJwtValidator({ keys: source, crypto: nodeCryptoPort });
    const token = signJwt(ed, claims, { kid: 'k1' });
    expect(validate(token, { nowMs: NOW_MS })).toMatchObject({ principal: 'alice' });
    source.set([{ ...other.publicJwk, kid: 'k2' }]);
    expect(invalidToken(() => validate(token, { nowMs: NOW_MS })).code).toBe('ERR_JWKS_NO_KEY');
  });

  it('keeps at most cacheEntries tokens (oldest first out), and none with cacheEntries 0', () => {
    let verifications = 0;
    const counting = { ...nodeCryptoPort, verify: (...args: Parameters<typeof nodeCryptoPort.verify>) => (verifications++, nodeCryptoPort.verify(...args)) };
    const validate = createJwtValidator({ keys: jwks, crypto: counting, cacheEntries: 2 });
    const tokens = [1, 2, 3].map((n) => signJwt(ed, { ...claims, jti: `t${n}` }, { kid: 'k1' }));
    for (const t of tokens) validate(t, { nowMs: NOW_MS });
    expect(verifications).toBe(3);
    validate(tokens[2]!, { nowMs: NOW_MS });
    validate(tokens[1]!, { nowMs: NOW_MS });
    expect(verifications).toBe(3); // both still cached
    validate(tokens[0]!, { nowMs: NOW_MS });
    expect(verifications).toBe(4); // the first was evicted
    const uncached = createJwtValidator({ keys: jwks, crypto: counting, cacheEntries: 0 });
    uncached(tokens[0]!, { nowMs: NOW_MS });
    uncached(tokens[0]!, { nowMs: NOW_MS });
    expect(verifications).toBe(6);
  });

  it('does not cache a failure: a token refused for time is accepted later when it becomes valid', () => {
    const validate = createJwtValidator({ keys: jwks, crypto: nodeCryptoPort, clockSkewSeconds: 0 });
    const token = signJwt(ed, { ...claims, nbf: NOW + 5 }, { kid: 'k1' });
    expect(invalidToken(() => validate(token, { nowMs: NOW_MS })).code).toBe('ERR_JWT_NOT_YET_VALID');
    expect(validate(token, { nowMs: NOW_MS + 5000 })).toMatchObject({ principal: 'alice' });
  });

  it('refuses bad options', () => {
    expect(() => createJwtValidator({ keys: jwks, crypto: nodeCryptoPort, algorithms: ['HS256' as JwsAlgorithm] })).toThrow(OAuthBearerError);
    expect(() => createJwtValidator({ keys: jwks, crypto: nodeCryptoPort, algorithms: [] })).toThrow(OAuthBearerError);
    expect(() => createJwtValidator({ keys: jwks, crypto: nodeCryptoPort, clockSkewSeconds: -1 })).toThrow(OAuthBearerError);
    expect(() => createJwtValidator({ keys: { keys: 'x' } as never, crypto: nodeCryptoPort })).toThrow(OAuthBearerError);
  });

  it('property: any input fails only with OAuthBearerError status invalid_token (numRuns 1000)', () => {
    const validate = createJwtValidator({ keys: jwks, crypto: nodeCryptoPort });
    const good = signJwt(ed, claims, { kid: 'k1' });
    const b64 = (s: string): string => Buffer.from(s).toString('base64url');
    const arbitraryToken = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.tuple(fc.json(), fc.json(), fc.base64String()).map(([h, p, s]) => `${b64(h)}.${b64(p)}.${s.replace(/=/g, '')}`),
      fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 32, max: 126 })).map(([i, c]) => good.slice(0, i) + String.fromCharCode(c) + good.slice(i + 1)),
      fc.nat({ max: good.length }).map((n) => good.slice(0, n)),
    );
    fc.assert(fc.property(arbitraryToken, (token) => {
      try {
        validate(token, { nowMs: NOW_MS });
        return token === good; // strict base64url: no other spelling of the good token passes
      } catch (e) {
        return e instanceof OAuthBearerError && e.status === 'invalid_token';
      }
    }), { numRuns: 1000 });
  });
});

describe('duplicateMemberName', () => {
  it('finds duplicates at any depth, after escapes, and not across objects', () => {
    expect(duplicateMemberName('{"a":1,"b":{"a":2}}')).toBeNull();
    expect(duplicateMemberName('{"a":1,"a":2}')).toBe('a');
    expect(duplicateMemberName('{"a":1,"\\u0061":2}')).toBe('a');
    expect(duplicateMemberName('{"x":[{"a":1},{"a":2}],"y":"a,\\"a\\""}')).toBeNull();
    expect(duplicateMemberName('{"x":{"k":1,"k":1}}')).toBe('k');
    expect(duplicateMemberName('{"a\\"":1,"a\\"":2}')).toBe('a"');
    expect(duplicateMemberName('{"\\\\":1,"x":"\\\\","y":"\\""}')).toBeNull();
    expect(duplicateMemberName('{"\\\\":1,"\\\\":"\\\\"}')).toBe('\\');
  });
  it('property: JSON.stringify output has none; adding a repeated top-level key is found (numRuns 1000)', () => {
    fc.assert(fc.property(fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }), fc.jsonValue({ maxDepth: 1 }), (obj, extra) => {
      const text = JSON.stringify(obj);
      expect(duplicateMemberName(text)).toBeNull();
      const keys = Object.keys(obj);
      if (keys.length === 0) return;
      const key = keys[keys.length - 1]!;
      expect(duplicateMemberName(`${text.slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(extra)}}`)).toBe(key);
    }), { numRuns: 1000 });
  });
});

describe('provablyNoDuplicates (the fast path before the scan)', () => {
  const proves = (text: string): boolean => provablyNoDuplicates(text, JSON.parse(text));
  it('proves a compact claims set, URLs and colons in values included', () => {
    expect(proves('{"iss":"https://idp.example:8443/realms/k","sub":"svc","aud":["a","b"],"cnf":{"x5t#S256":"q"},"exp":1,"r":[{"a":1},{"a":2}],"s":"x:"}')).toBe(true);
    expect(proves('{}')).toBe(true);
  });
  it('never proves a text with a repeated name, however it hides it', () => {
    for (const text of [
      '{"a":1,"a":2}', '{"a" :1,"a":2}', '{"a":1,"a" : 2}', '{"a":{"x":1},"a":2}', '{"x":{"k":1,"k":1}}',
      '{"a":1,"\\u0061":2}', '{"a":1,"a":2,"s":":"}', '{"a":1,"a":2,"t":"\\":"}', '[{"a":1,"a":1}]',
    ]) {
      expect(duplicateMemberName(text), text).not.toBeNull();
      expect(proves(text), text).toBe(false);
    }
  });
  it('gives up past depth 32, or on a string value that starts with ":", and leaves it to the scan', () => {
    expect(proves('{"s":":x"}')).toBe(false);
    expect(proves(`${'['.repeat(40)}{"a":1}${']'.repeat(40)}`)).toBe(false);
  });
  // JSON texts with few distinct names (so repeats are common), names and strings that hold '"', ':', '\\' and
  // spaces, and random whitespace around every token.
  const ws = fc.constantFrom('', '', '', ' ', '\n', '\t ');
  const str = fc.string({ unit: fc.constantFrom('a', 'b', ':', '"', '\\', ' ', 'é'), maxLength: 3 }).map((t) => JSON.stringify(t));
  const { text } = fc.letrec<{ text: string; object: string; array: string }>((tie) => ({
    text: fc.oneof({ depthSize: 'small', withCrossShrink: true }, str, fc.constantFrom('1', 'true', 'null', '-2.5e3'), tie('object'), tie('array')),
    object: fc.array(fc.tuple(ws, str, ws, ws, tie('text'), ws), { maxLength: 4 })
      .map((members) => `{${members.map(([a, k, b, c, v, d]) => `${a}${k}${b}:${c}${v}${d}`).join(',')}}`),
    array: fc.array(tie('text'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
  }));
  it('property: whenever it proves no repeat, the full scan finds none (numRuns 5000)', () => {
    let proved = 0;
    let repeats = 0;
    let runs = 0;
    fc.assert(fc.property(text, (t) => {
      runs++;
      const dup = duplicateMemberName(t);
      if (dup !== null) repeats++;
      if (proves(t)) {
        proved++;
        expect(dup).toBeNull();
      }
    }), { numRuns: 5000 });
    // Both sides of the property are exercised, not just one (checked on a whole run; Stryker's time bound,
    // test/stryker-setup.ts, cuts runs short).
    if (runs < 5000) return;
    expect(proved).toBeGreaterThan(500);
    expect(repeats).toBeGreaterThan(200);
  });
});

describe('validateClientJwt (Kafka ClientJwtValidator)', () => {
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = (c: unknown): string => `${b64({ alg: 'RS256' })}.${b64(c)}.c2ln`;
  it('does not check the signature; iat is optional; exp is truncated', () => {
    expect(validateClientJwt(unsigned({ sub: 'svc', exp: 1700000000.9, scope: 'a b' }))).toEqual({
      value: unsigned({ sub: 'svc', exp: 1700000000.9, scope: 'a b' }), principal: 'svc', scope: ['a b'], lifetimeMs: 1700000000000, startTimeMs: null,
    });
    expect(validateClientJwt(unsigned({ sub: 'svc', exp: 1, iat: 0.5 })).startTimeMs).toBe(0);
  });
  it('refuses what Kafka refuses, all as invalid_token', () => {
    for (const bad of [
      unsigned({ sub: 'svc' }), unsigned({ exp: 5 }), unsigned({ sub: ' ', exp: 5 }), unsigned({ sub: 's', exp: -1 }),
      unsigned({ sub: 's', exp: 5, iat: -1 }), unsigned({ sub: 's', exp: 5, scope: ['a', 'a'] }), `${b64({})}.${b64({ sub: 's', exp: 5 })}`,
      `${b64({})}.${b64({ sub: 's', exp: 5 })}. `, '', 'a.b.c', unsigned({ sub: 's', exp: '5' }),
    ]) invalidToken(() => validateClientJwt(bad));
  });
  it('tolerates base64url padding in the payload, as Java\'s URL decoder does', () => {
    const padded = `${b64({})}.${Buffer.from(JSON.stringify({ sub: 'ab', exp: 9 })).toString('base64').replace(/\+/g, '-').replace(/\//g, '_')}.sig`;
    expect(validateClientJwt(padded).principal).toBe('ab');
  });
});

describe('key candidates', () => {
  it(`tries at most MAX_VERIFY_ATTEMPTS keys for a JWS without kid`, async () => {
    const { MAX_VERIFY_ATTEMPTS } = await import('../../src/jose/jws.js');
    const others = Array.from({ length: MAX_VERIFY_ATTEMPTS }, (_, i) => testKey('EdDSA', `decoy${i}`).publicJwk);
    let verifications = 0;
    const counting = { ...nodeCryptoPort, verify: (...args: Parameters<typeof nodeCryptoPort.verify>) => (verifications++, nodeCryptoPort.verify(...args)) };
    const token = signJwt(ed, claims);
    const last = createJwtValidator({ keys: { keys: [...others, ed.publicJwk] }, crypto: counting, cacheEntries: 0 });
    expect(() => last(token, { nowMs: NOW_MS })).toThrow(OAuthBearerError);
    expect(verifications).toBe(MAX_VERIFY_ATTEMPTS);
    const first = createJwtValidator({ keys: { keys: [ed.publicJwk, ...others] }, crypto: counting, cacheEntries: 0 });
    expect(first(token, { nowMs: NOW_MS })).toMatchObject({ principal: 'alice' });
  });
});
