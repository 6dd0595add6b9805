// When the verified-token cache is looked up: only where a token could have been stored (the cache on, the token a
// string of at most MAX_CACHED_TOKEN_LENGTH characters). The lookup hashes the whole token, which cost a cache-off
// validator about a fifth of its work besides the signature (bench/jwt.bench.ts); skipping it must change no
// answer. Counted through a crypto port that counts its signature checks.
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import type { CryptoPort } from '../../src/ports.js';
import { createJwtValidator, MAX_CACHED_TOKEN_LENGTH } from '../../src/jose/validator.js';
import { nodeCryptoPort } from '../../src/node/crypto.js';
import { signJwt, testKey } from './ports.js';

const NOW = 1_700_000_000;
const context = { nowMs: NOW * 1000 };
const ed = testKey('EdDSA');
const jwks = { keys: [{ ...ed.publicJwk, kid: 'k1' }] };

function counting(): CryptoPort & { verified: number } {
  const port = { ...nodeCryptoPort, verified: 0 };
  port.verify = (key, signature, data) => {
    port.verified++;
    return nodeCryptoPort.verify(key, signature, data);
  };
  return port;
}

/**
 * A token of exactly `length` characters: a filler claim and a filler header member. base64url never ends a part
 * at 1 mod 4 characters, so the header's filler shifts what the claims' filler cannot reach.
 */
function tokenOfLength(length: number): string {
  for (let h = 0; h < 4; h++) {
    for (let pad = Math.max(0, Math.floor(((length - 400) * 3) / 4)); pad < length; pad++) {
      const token = signJwt(ed, { sub: 'alice', iat: NOW - 10, exp: NOW + 600, pad: 'x'.repeat(pad) }, { kid: 'k1', x: 'y'.repeat(h) });
      if (token.length === length) return token;
      if (token.length > length) break;
    }
  }
  throw new Error(`cannot make a ${length}-character token`);
}

describe('the verified-token cache lookup', () => {
  it('answers a repeat of a token of exactly MAX_CACHED_TOKEN_LENGTH characters from the cache', () => {
    const crypto = counting();
    const validate = createJwtValidator({ keys: jwks, crypto });
    const token = tokenOfLength(MAX_CACHED_TOKEN_LENGTH);
    const first = validate(token, context);
    expect(crypto.verified).toBe(1);
    expect(validate(token, context)).toBe(first);
    expect(crypto.verified).toBe(1);
  });

  it('verifies every time a token one character longer, and every token with the cache off', () => {
    const crypto = counting();
    const long = tokenOfLength(MAX_CACHED_TOKEN_LENGTH + 1);
    const validate = createJwtValidator({ keys: jwks, crypto });
    validate(long, context);
    validate(long, context);
    expect(crypto.verified).toBe(2);
    const off = createJwtValidator({ keys: jwks, crypto, cacheEntries: 0 });
    const short = signJwt(ed, { sub: 'alice', iat: NOW - 10, exp: NOW + 600 }, { kid: 'k1' });
    expect(off(short, context)).toEqual(off(short, context));
    expect(crypto.verified).toBe(4);
  });

  it('refuses a token that is not a string with the usage error, cache on or off', () => {
    for (const cacheEntries of [0, 16]) {
      const validate = createJwtValidator({ keys: jwks, crypto: nodeCryptoPort, cacheEntries });
      for (const token of [null, undefined, 42, {}]) {
        let error: unknown;
        try {
          validate(token as never, context);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(OAuthBearerError);
        expect((error as OAuthBearerError).code).toBe('ERR_USAGE_ARGUMENT');
        expect((error as OAuthBearerError).status).toBe('invalid_token');
        expect((error as OAuthBearerError).message).toBe('The token must be a string');
      }
    }
  });
});
