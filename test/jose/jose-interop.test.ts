// Cross-check with panva/jose, a peer verifier: tokens jose signs validate here, and for random claims, times and
// keys our verdict equals jose's jwtVerify with equivalent options. Kafka-only rules have no jose option, so the
// property maps or filters them (see `kafkaOnly`):
// - iat required (jose4j setRequireIssuedAt): jose `requiredClaims: ['exp', 'iat', 'sub']`.
// - aud refused when no audience is configured (jose4j AudValidator default): jose accepts; those cases must be
//   refused here and are not compared.
// - exp before iat / nbf refused (jose4j NumericDateValidator): jose accepts; likewise refused here, not compared.
// Times are whole seconds: Kafka truncates fractional NumericDates, jose compares them as fractions.
import fc from 'fast-check';
import { SignJWT, createLocalJWKSet, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import type { JwsAlgorithm } from '../../src/ports.js';
import { createJwtValidator } from '../../src/jose/validator.js';
import { webCryptoPort } from '../../src/jose/webcrypto.js';
import { nodeCryptoPort } from '../../src/node/crypto.js';
import { signJwt, testKey } from './ports.js';

const NOW = 1_700_000_000;
const ALGS: JwsAlgorithm[] = ['RS256', 'ES256', 'EdDSA', 'PS256'];
const keys = ALGS.map((alg) => ({ ...testKey(alg).publicJwk, kid: alg }));
const jwks = { keys };
const joseJwks = createLocalJWKSet(jwks as never);

async function ours(token: string, nowMs: number, options: { audience?: readonly string[] | undefined; issuer?: string | undefined; clockSkewSeconds: number }, node: boolean): Promise<boolean> {
  const validate = createJwtValidator({ keys: jwks, crypto: node ? nodeCryptoPort : webCryptoPort, cacheEntries: 0, ...options });
  try {
    await validate(token, { nowMs });
    return true;
  } catch (e) {
    expect(e).toBeInstanceOf(OAuthBearerError);
    expect((e as OAuthBearerError).status).toBe('invalid_token');
    return false;
  }
}

async function theirs(token: string, nowMs: number, options: { audience?: readonly string[] | undefined; issuer?: string | undefined; clockSkewSeconds: number }): Promise<boolean> {
  try {
    await jwtVerify(token, joseJwks, {
      algorithms: ALGS, currentDate: new Date(nowMs), clockTolerance: options.clockSkewSeconds,
      requiredClaims: ['exp', 'iat', 'sub'],
      ...(options.audience ? { audience: [...options.audience] } : {}), ...(options.issuer ? { issuer: options.issuer } : {}),
    });
    return true;
  } catch {
    return false;
  }
}

describe('interoperability with panva/jose', () => {
  it.each(ALGS)('validates what jose SignJWT makes (%s)', async (alg) => {
    const key = await importJWK(testKey(alg).privateJwk as never, alg);
    const token = await new SignJWT({ sub: 'alice', scope: 'a' }).setProtectedHeader({ alg, kid: alg }).setIssuedAt(NOW - 5)
      .setExpirationTime(NOW + 60).setAudience('kafka').setIssuer('https://idp').sign(key);
    for (const node of [true, false]) expect(await ours(token, NOW * 1000, { audience: ['kafka'], issuer: 'https://idp', clockSkewSeconds: 30 }, node)).toBe(true);
  });

  it('property: same verdict as jose jwtVerify for random claims, times and keys (numRuns 1000)', async () => {
    const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
    // Weighted towards valid tokens so both verdicts are common; the edges (skew boundaries) come from the wide ranges.
    const some = <T>(likely: fc.Arbitrary<T>, wide: fc.Arbitrary<T>) => fc.oneof(
      { weight: 4, arbitrary: likely }, { weight: 2, arbitrary: wide }, { weight: 1, arbitrary: fc.constant(undefined) });
    const arb = fc.record({
      alg: fc.constantFrom(...ALGS),
      wrongKey: fc.integer({ min: 0, max: 9 }).map((n) => n < 1),
      iat: some(fc.integer({ min: -600, max: 0 }), fc.integer({ min: -7200, max: 7200 })),
      life: some(fc.integer({ min: 0, max: 7200 }), fc.integer({ min: -200, max: 200 })),
      nbf: fc.option(fc.integer({ min: -100, max: 100 }), { nil: undefined, freq: 2 }),
      audiences: fc.oneof(
        fc.constant({ aud: undefined, audience: undefined }),
        fc.constant({ aud: 'kafka', audience: ['kafka'] }),
        fc.record({
          aud: fc.option(fc.constantFrom<string | string[]>('kafka', 'other', ['x', 'kafka'], ['x']), { nil: undefined }),
          audience: fc.option(fc.constantFrom(['kafka'], ['x', 'y']), { nil: undefined }),
        })),
      iss: fc.option(fc.constantFrom('https://idp', 'https://idp', 'https://evil', 'https://idp/'), { nil: undefined }),
      issuer: fc.option(fc.constant('https://idp'), { nil: undefined }),
      skew: fc.integer({ min: 0, max: 60 }),
      ms: fc.integer({ min: 0, max: 999 }),
      node: fc.boolean(),
    });
    let compared = 0;
    let kafkaOnly = 0;
    let accepted = 0;
    let runs = 0;
    await fc.assert(fc.asyncProperty(arb, async (c) => {
      runs++;
      const claims: Record<string, unknown> = { sub: 'alice' };
      if (c.iat !== undefined) claims.iat = NOW + c.iat;
      if (c.life !== undefined) claims.exp = NOW + (c.iat ?? 0) + c.life;
      if (c.nbf !== undefined) claims.nbf = NOW + c.nbf;
      if (c.audiences.aud !== undefined) claims.aud = c.audiences.aud;
      if (c.iss !== undefined) claims.iss = c.iss;
      const signer = c.wrongKey ? testKey(c.alg, 'wrong') : testKey(c.alg);
      const token = signJwt(signer, claims, { kid: c.alg });
      const nowMs = NOW * 1000 + c.ms;
      const options = { audience: c.audiences.audience, issuer: c.issuer, clockSkewSeconds: c.skew };
      const mine = await ours(token, nowMs, options, c.node);
      const exp = claims.exp as number | undefined;
      const rule = (c.audiences.audience === undefined && c.audiences.aud !== undefined)
        || (exp !== undefined && claims.iat !== undefined && exp < (claims.iat as number))
        || (exp !== undefined && claims.nbf !== undefined && exp < (claims.nbf as number));
      if (rule) {
        kafkaOnly++;
        expect(mine).toBe(false);
        return;
      }
      compared++;
      if (mine) accepted++;
      expect(mine).toBe(await theirs(token, nowMs, options));
    }), { numRuns: 1000 });
    // The counts are checked on a whole run; Stryker's time bound (test/stryker-setup.ts) cuts runs short.
    if (runs < 1000) return;
    expect(compared).toBeGreaterThan(300);
    expect(accepted).toBeGreaterThan(50); // both verdicts are exercised
    expect(compared - accepted).toBeGreaterThan(50);
    expect(kafkaOnly).toBeGreaterThan(10);
  }, 60_000);
});
