// The broker validator's edges beyond validator.test.ts: each bad option's message, errors from ports and key
// sources (all invalid_token, the original kept as the cause), an asynchronous key source, the claims-set parse
// message, and the verified-token cache at its limits (MAX_CACHED_TOKEN_LENGTH, exp and nbf with the clock skew).
import { sign as nodeSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import type { CryptoPort, Jwk, JwsAlgorithm } from '../../src/ports.js';
import type { BearerToken, TokenValidator } from '../../src/token.js';
import type { KeySource } from '../../src/jose/jwks.js';
import { createJwtValidator, MAX_CACHED_TOKEN_LENGTH } from '../../src/jose/validator.js';
import { nodeCryptoPort } from '../../src/node/crypto.js';
import { signJwt, testKey } from './ports.js';
import { caught } from '../helpers.js';

const NOW = 1_700_000_000;
const NOW_MS = NOW * 1000;
const es = testKey('ES256');
const claims = { sub: 'alice', iat: NOW - 10, exp: NOW + 600 };
const token = signJwt(es, claims);
const keys = { keys: [es.publicJwk] };

const refusal = caught;

async function rejection(f: () => unknown): Promise<OAuthBearerError> {
  const e = await Promise.resolve().then(f).then(() => null, (error: unknown) => error);
  expect(e).toBeInstanceOf(OAuthBearerError);
  expect((e as OAuthBearerError).status).toBe('invalid_token');
  return e as OAuthBearerError;
}

/** An ES256 JWS over a payload given as text (signJwt takes claims to stringify). */
function signRaw(payload: string, header: Record<string, unknown> = { alg: 'ES256' }): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
  return `${input}.${nodeSign('sha256', Buffer.from(input), { key: es.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

const ALGS = 'RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA';

describe('createJwtValidator options', () => {
  it('refuses an algorithms list that is empty, not a list, or names one it does not implement', () => {
    for (const algorithms of [[], 'ES256', ['ES256', 'HS256'], ['none']]) {
      const e = refusal(() => createJwtValidator({ keys, crypto: nodeCryptoPort, algorithms: algorithms as JwsAlgorithm[] }));
      expect([e.code, e.message], JSON.stringify(algorithms)).toEqual(['ERR_USAGE_ARGUMENT', `algorithms must be a non-empty list of ${ALGS}`]);
    }
  });

  it('refuses a clock skew, certificate binding or maxTokenLength out of range, each by name', () => {
    for (const clockSkewSeconds of [-1, 1.5]) {
      const e = refusal(() => createJwtValidator({ keys, crypto: nodeCryptoPort, clockSkewSeconds }));
      expect([e.code, e.message]).toEqual(['ERR_USAGE_ARGUMENT', 'clockSkewSeconds must be a non-negative integer']);
    }
    const e = refusal(() => createJwtValidator({ keys, crypto: nodeCryptoPort, certificateBinding: 'maybe' as 'check' }));
    expect([e.code, e.message]).toEqual(['ERR_USAGE_ARGUMENT', "certificateBinding must be 'check' or 'ignore'"]);
    for (const maxTokenLength of [0, -5, 1.5, 2 ** 53, Number.NaN]) {
      const e = refusal(() => createJwtValidator({ keys, crypto: nodeCryptoPort, maxTokenLength }));
      expect([e.code, e.message], String(maxTokenLength)).toEqual(['ERR_USAGE_ARGUMENT', 'maxTokenLength must be a whole number ≥ 1']);
    }
  });

  it('takes maxTokenLength 1 (every real token is then too large)', () => {
    const validate = createJwtValidator({ keys, crypto: nodeCryptoPort, maxTokenLength: 1 });
    const e = refusal(() => validate(token, { nowMs: NOW_MS }));
    expect(e.code).toBe('ERR_INPUT_TOO_LARGE');
    expect(e.message).toContain('the limit is 1 (maxTokenLength)');
  });
});

describe('errors from the ports and the key source', () => {
  const thrown = new TypeError('port broke');

  it('a crypto port that throws: ERR_CRYPTO invalid_token with the port\'s error as the cause', async () => {
    const throwing: CryptoPort = { ...nodeCryptoPort, verify: () => { throw thrown; } };
    let e = refusal(() => createJwtValidator({ keys, crypto: throwing })(token, { nowMs: NOW_MS }));
    expect([e.code, e.message, e.status, e.cause]).toEqual(['ERR_CRYPTO', 'The token could not be verified', 'invalid_token', thrown]);
    const rejecting: CryptoPort = { ...nodeCryptoPort, verify: () => Promise.reject(thrown) };
    e = await rejection(() => createJwtValidator({ keys, crypto: rejecting })(token, { nowMs: NOW_MS }));
    expect([e.code, e.message, e.cause]).toEqual(['ERR_CRYPTO', 'The token could not be verified', thrown]);
  });

  it('an asynchronous key source: its keys verify, and its failure is an invalid_token rejection', async () => {
    const source = (answer: () => Promise<readonly Jwk[]>): KeySource => ({ keysFor: answer, hasKey: () => true });
    const validate = createJwtValidator({ keys: source(() => Promise.resolve([es.publicJwk])), crypto: nodeCryptoPort });
    const accepted = await validate(token, { nowMs: NOW_MS });
    expect(accepted.principal).toBe('alice');
    expect(validate(token, { nowMs: NOW_MS })).toBe(accepted);
    let e = await rejection(() => createJwtValidator({ keys: source(() => Promise.reject(thrown)), crypto: nodeCryptoPort })(token, { nowMs: NOW_MS }));
    expect([e.code, e.cause]).toEqual(['ERR_CRYPTO', thrown]);
    const unreachable = new OAuthBearerError('ERR_JWKS', 'The JWKS could not be fetched', { cause: thrown });
    e = await rejection(() => createJwtValidator({ keys: source(() => Promise.reject(unreachable)), crypto: nodeCryptoPort })(token, { nowMs: NOW_MS }));
    expect([e.code, e.message, e.cause]).toEqual(['ERR_JWKS', 'The JWKS could not be fetched', thrown]);
    e = await rejection(() => createJwtValidator({ keys: source(() => Promise.resolve([])), crypto: nodeCryptoPort })(token, { nowMs: NOW_MS }));
    expect(e.code).toBe('ERR_JWKS_NO_KEY');
  });

  it('passes an error that is already invalid_token through as it is', () => {
    const already = new OAuthBearerError('ERR_JWKS', 'no keys now', { status: 'invalid_token' });
    const source: KeySource = { keysFor: () => { throw already; }, hasKey: () => true };
    expect(refusal(() => createJwtValidator({ keys: source, crypto: nodeCryptoPort })(token, { nowMs: NOW_MS }))).toBe(already);
  });
});

describe('the claims set', () => {
  it('refuses a signed payload that is not JSON, naming the claims set', () => {
    const validate = createJwtValidator({ keys, crypto: nodeCryptoPort });
    const e = refusal(() => validate(signRaw('{"sub":'), { nowMs: NOW_MS }));
    expect([e.code, e.message, e.status]).toEqual(['ERR_JWT_CLAIM', 'The JWT claims set is not UTF-8 JSON (RFC 7515 §5.2, RFC 7519 §7.2)', 'invalid_token']);
  });
});

describe('the verified-token cache', () => {
  /** A valid token of exactly `length` characters (a padding claim sized to fit). */
  function tokenOfLength(length: number): string {
    for (let pad = 0; pad < length; pad++) {
      for (const typ of ['JWT', 'JWTx']) {
        const part = (value: unknown): number => Buffer.from(JSON.stringify(value)).length * 4 / 3;
        // An ES256 signature is 64 bytes: 86 base64url characters.
        const size = Math.ceil(part({ alg: 'ES256', typ })) + Math.ceil(part({ ...claims, pad: 'p'.repeat(pad) })) + 2 + 86;
        if (size === length) {
          const t = signJwt(es, { ...claims, pad: 'p'.repeat(pad) }, { typ });
          expect(t.length).toBe(length);
          return t;
        }
      }
    }
    throw new Error(`no token of length ${length}`);
  }
  const hitsAt = (validate: TokenValidator, t: string, nowMs = NOW_MS): boolean => {
    const first = validate(t, { nowMs }) as BearerToken;
    return validate(t, { nowMs }) === first;
  };

  it(`caches a token of MAX_CACHED_TOKEN_LENGTH (${MAX_CACHED_TOKEN_LENGTH}) characters and not one longer`, () => {
    const validate = createJwtValidator({ keys, crypto: nodeCryptoPort });
    expect(hitsAt(validate, tokenOfLength(MAX_CACHED_TOKEN_LENGTH))).toBe(true);
    expect(hitsAt(validate, tokenOfLength(MAX_CACHED_TOKEN_LENGTH + 1))).toBe(false);
  });

  it('answers from the cache until exp plus the clock skew, as a fresh check would accept', () => {
    const validate = createJwtValidator({ keys, crypto: nodeCryptoPort, clockSkewSeconds: 30 });
    const first = validate(token, { nowMs: NOW_MS });
    expect(validate(token, { nowMs: (claims.exp + 29) * 1000 })).toBe(first);
    expect(refusal(() => validate(token, { nowMs: (claims.exp + 30) * 1000 })).code).toBe('ERR_JWT_EXPIRED');
  });

  it('answers a token without nbf from the cache at any time a fresh check accepts it, a clock before 1970 included', () => {
    const old = signJwt(es, { sub: 'alice', iat: 0, exp: 1000 });
    const validate = createJwtValidator({ keys, crypto: nodeCryptoPort, clockSkewSeconds: 30 });
    const first = validate(old, { nowMs: -100_000 });
    expect(validate(old, { nowMs: -100_000 })).toBe(first);
  });

  it('answers a token with nbf from the cache from nbf minus the skew on, and refuses it before, as a fresh check would', () => {
    const nbf = NOW + 100;
    const early = signJwt(es, { sub: 'alice', iat: NOW, nbf, exp: NOW + 600 });
    const validate = createJwtValidator({ keys, crypto: nodeCryptoPort, clockSkewSeconds: 30 });
    const atStart = (nbf - 30) * 1000;
    const first = validate(early, { nowMs: atStart });
    expect(validate(early, { nowMs: atStart })).toBe(first);
    expect(validate(early, { nowMs: (NOW + 300) * 1000 })).toBe(first);
    expect(refusal(() => validate(early, { nowMs: atStart - 1000 })).code).toBe('ERR_JWT_NOT_YET_VALID');
  });
});
