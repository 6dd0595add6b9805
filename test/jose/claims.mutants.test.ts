// The claim checks of src/jose/claims.ts to the edge: jose4j's NumericDate rules and Kafka's ClaimValidationUtils
// (exp, nbf, iat, aud, iss, scope, sub, clock skew) at each boundary second, the exact messages a user reads
// (durations, cut values, the setting to change), the status invalid_token and the kept cause; the client-side
// check (validateClientJwt) on its size limit, sections, payload decoding, and exp/iat rules.
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import { checkBrokerClaims, checkCertificateBinding, elapsedText, validateClientJwt, type ClaimsOptions } from '../../src/jose/claims.js';
import { MAX_TOKEN_LENGTH } from '../../src/jose/jws.js';
import { caught } from '../helpers.js';

const NOW = 1_700_000_000;
const NOW_MS = NOW * 1000;
const good = { sub: 'alice', iat: NOW - 10, exp: NOW + 600 };

const refusal = (f: () => unknown): OAuthBearerError => caught(f, 'invalid_token');

const broker = (claims: Record<string, unknown>, options: ClaimsOptions = {}, nowMs = NOW_MS) => checkBrokerClaims(claims, options, nowMs);
const brokerRefusal = (claims: Record<string, unknown>, options: ClaimsOptions = {}, nowMs = NOW_MS) => refusal(() => broker(claims, options, nowMs));

describe('elapsedText: a duration rounded down to its largest unit', () => {
  it('switches unit at 1 s, 1 min, 1 h and 48 h, and shows leftover minutes under 48 h', () => {
    expect(elapsedText(0)).toBe('0 ms');
    expect(elapsedText(999.9)).toBe('999 ms');
    expect(elapsedText(1000)).toBe('1 s');
    expect(elapsedText(-1500)).toBe('1 s');
    expect(elapsedText(59_999)).toBe('59 s');
    expect(elapsedText(60_000)).toBe('1 min');
    expect(elapsedText(183_000)).toBe('3 min');
    expect(elapsedText(3_599_999)).toBe('59 min');
    expect(elapsedText(3_600_000)).toBe('1 h');
    expect(elapsedText(3_660_000)).toBe('1 h 1 min');
    expect(elapsedText(7_500_000)).toBe('2 h 5 min');
    expect(elapsedText(48 * 3_600_000 - 1)).toBe('47 h 59 min');
    expect(elapsedText(48 * 3_600_000)).toBe('2 days');
    expect(elapsedText(71 * 3_600_000)).toBe('2 days');
    expect(elapsedText(72 * 3_600_000)).toBe('3 days');
  });
});

describe('checkBrokerClaims: times (jose4j NumericDateValidator, whole seconds)', () => {
  it('the default clock skew is 30 s: expired at exp + 30, valid one second before', () => {
    expect(broker({ ...good, iat: NOW - 100, exp: NOW - 29 }).expSeconds).toBe(NOW - 29);
    const e = brokerRefusal({ ...good, iat: NOW - 100, exp: NOW - 30 });
    expect(e.code).toBe('ERR_JWT_EXPIRED');
    expect(e.message).toBe(`The token expired 30 s ago (exp ${NOW - 30}, now ${NOW}, clock skew 30 s); get a fresh token`);
  });

  it('says how long ago the token expired, in the largest unit', () => {
    const e = brokerRefusal({ ...good, iat: NOW - 10_000, exp: NOW - 7500 }, { clockSkewSeconds: 0 });
    expect(e.message).toBe(`The token expired 2 h 5 min ago (exp ${NOW - 7500}, now ${NOW}, clock skew 0 s); get a fresh token`);
  });

  it('says how long until a token with a future nbf becomes valid', () => {
    const e = brokerRefusal({ ...good, nbf: NOW + 150 }, { clockSkewSeconds: 30 });
    expect(e.code).toBe('ERR_JWT_NOT_YET_VALID');
    expect(e.message).toBe(`The token is not valid for another 2 min (nbf ${NOW + 150}, now ${NOW}, clock skew 30 s); check the clocks`);
    expect(broker({ ...good, nbf: NOW + 30 }).nbfSeconds).toBe(NOW + 30);
  });

  it('accepts exp equal to iat and exp equal to nbf; refuses exp one second before either', () => {
    expect(broker({ sub: 'a', iat: NOW + 100, exp: NOW + 100 }).lifetimeMs).toBe((NOW + 100) * 1000);
    expect(broker({ sub: 'a', iat: NOW, nbf: NOW + 5, exp: NOW + 5 }).nbfSeconds).toBe(NOW + 5);
    expect(brokerRefusal({ sub: 'a', iat: NOW + 101, exp: NOW + 100 }).message).toBe('The token\'s "exp" is before its "iat"');
    expect(brokerRefusal({ sub: 'a', iat: NOW, nbf: NOW + 6, exp: NOW + 5 }).message).toBe('The token\'s "exp" is before its "nbf"');
  });

  it('with a clock before 1970, a token without nbf at exp 0 and iat 0 passes; a negative exp or iat is refused by name', () => {
    const before1970 = -1_000_000_000;
    const facts = broker({ sub: 'a', iat: 0, exp: 0 }, {}, before1970);
    expect(facts).toMatchObject({ expSeconds: 0, nbfSeconds: null, lifetimeMs: 0, startTimeMs: 0 });
    const exp = brokerRefusal({ sub: 'a', iat: -200, exp: -100 }, {}, before1970);
    expect([exp.code, exp.message]).toEqual(['ERR_JWT_CLAIM', 'The "exp" claim must not be negative']);
    const iat = brokerRefusal({ sub: 'a', iat: -200, exp: 0 }, {}, before1970);
    expect([iat.code, iat.message]).toEqual(['ERR_JWT_CLAIM', 'The "iat" claim must not be negative']);
  });

  it('reads NumericDates as whole seconds (Java longValue), -0.5 as 0, and refuses integers beyond a Java long', () => {
    const facts = broker({ sub: 'a', iat: -0.5, exp: NOW + 0.9, nbf: -0.5 });
    expect(facts.expSeconds).toBe(NOW);
    expect(Object.is(facts.startTimeMs, 0)).toBe(true);
    expect(Object.is(facts.nbfSeconds, 0)).toBe(true);
    expect(broker({ ...good, exp: 2 ** 62 }).expSeconds).toBe(2 ** 62);
    for (const exp of [2 ** 63, -(2 ** 63), 1e19]) {
      const e = brokerRefusal({ ...good, exp });
      expect([e.code, e.message]).toEqual(['ERR_JWT_CLAIM', 'The "exp" claim must be a NumericDate, a number of seconds (RFC 7519 §2)']);
    }
  });

  it('treats a null exp as missing', () => {
    expect(brokerRefusal({ ...good, exp: null }).message).toBe('The token has no "exp" claim; Kafka requires one (RFC 7519 §4.1.4)');
  });
});

describe('checkBrokerClaims: aud and iss (jose4j AudValidator, IssValidator)', () => {
  it('a null aud is no aud; an aud with no expected audience names the setting', () => {
    expect(broker({ ...good, aud: null }).principal).toBe('alice');
    const e = brokerRefusal({ ...good, aud: 'kafka' });
    expect(e.code).toBe('ERR_JWT_AUDIENCE');
    expect(e.message).toBe('The token has an "aud" claim but no expected audience is configured; set sasl.oauthbearer.expected.audience (jose4j AudValidator)');
  });

  it('a mismatching aud shows up to 5 values each cut at 64 characters, and how many more', () => {
    const long = 'x'.repeat(70);
    const e = brokerRefusal({ ...good, aud: [long, 'b', 'c', 'd', 'e', 'f', 'g'] }, { audience: ['kafka', 'broker'] });
    expect(e.message).toBe(`The token's audience does not match: "aud" ["${'x'.repeat(64)}", "b", "c", "d", "e", … 2 more] holds none of ["kafka", "broker"] (sasl.oauthbearer.expected.audience)`);
    const five = brokerRefusal({ ...good, aud: ['a', 'b', 'c', 'd', 'e'] }, { audience: ['k'] });
    expect(five.message).toBe('The token\'s audience does not match: "aud" ["a", "b", "c", "d", "e"] holds none of ["k"] (sasl.oauthbearer.expected.audience)');
    const six = brokerRefusal({ ...good, aud: ['a', 'b', 'c', 'd', 'e', 'f'] }, { audience: ['k'] });
    expect(six.message).toContain('"aud" ["a", "b", "c", "d", "e", … 1 more] holds');
  });

  it('a null iss is no iss when none is expected; a mismatch shows both, cut at 128 characters', () => {
    expect(broker({ ...good, iss: null }).principal).toBe('alice');
    const e = brokerRefusal({ ...good, iss: `https://a/${'i'.repeat(200)}` }, { issuer: `https://b/${'j'.repeat(200)}` });
    expect(e.code).toBe('ERR_JWT_ISSUER');
    expect(e.message).toBe(`The token's issuer does not match: "iss" "https://a/${'i'.repeat(118)}" is not "https://b/${'j'.repeat(118)}" (sasl.oauthbearer.expected.issuer)`);
  });
});

describe('checkBrokerClaims: sub, jti and scope (jose4j SubValidator, Kafka ClaimValidationUtils)', () => {
  it('type-checks "sub" even when the principal comes from another claim; null sub and jti pass', () => {
    const e = brokerRefusal({ ...good, sub: 5, user: 'bob' }, { subClaimName: 'user' });
    expect([e.code, e.message]).toEqual(['ERR_JWT_CLAIM', 'The "sub" claim must be a string (RFC 7519 §4.1)']);
    expect(broker({ ...good, sub: null, jti: null, user: 'bob' }, { subClaimName: 'user' }).principal).toBe('bob');
  });

  it('a missing or null principal claim is "must be non-null", as Kafka says', () => {
    for (const sub of [undefined, null]) {
      const e = brokerRefusal({ iat: NOW, exp: NOW + 60, sub });
      expect([e.code, e.message]).toEqual(['ERR_JWT_CLAIM', 'The "sub" claim value must be non-null']);
    }
    const scope = brokerRefusal({ ...good, scope: ['a', null] });
    expect([scope.code, scope.message]).toEqual(['ERR_JWT_SCOPE', 'The "scope" claim value must be non-null']);
  });

  it('a duplicate scope is named, cut at 64 characters', () => {
    const s = 's'.repeat(80);
    const e = brokerRefusal({ ...good, scope: [s, ` ${s} `] });
    expect([e.code, e.message]).toEqual(['ERR_JWT_SCOPE', `The "scope" claim must not contain duplicates; "${'s'.repeat(64)}" is already present`]);
  });
});

describe('checkBrokerClaims: cnf (RFC 7800, RFC 8705)', () => {
  it('a null cnf is no binding; a non-string x5t#S256 is refused by name', () => {
    expect(broker({ ...good, cnf: null })).toMatchObject({ certificateThumbprint: null, uncheckableBinding: null });
    const e = brokerRefusal({ ...good, cnf: { 'x5t#S256': 5 } });
    expect([e.code, e.message]).toEqual(['ERR_JWT_CLAIM', 'The "cnf" member "x5t#S256" must be a string (RFC 8705 §3.1)']);
  });

  it('a certificate-bound token on a connection that presented no certificate says so', () => {
    const e = refusal(() => checkCertificateBinding({ certificateThumbprint: 'abc', uncheckableBinding: null }, null));
    expect([e.code, e.message]).toEqual(['ERR_CNF_MISMATCH', 'The token is bound to a client certificate (cnf x5t#S256) but the connection presented none (RFC 8705 §3)']);
  });
});

const b64u = (s: string): string => Buffer.from(s).toString('base64url');
const unsigned = (claims: Record<string, unknown>, signature = 'sig'): string => `${b64u('{"alg":"none"}')}.${b64u(JSON.stringify(claims))}.${signature}`;

describe('validateClientJwt (Kafka ClientJwtValidator)', () => {
  it('trims the token and returns the trimmed value', () => {
    const token = unsigned({ sub: 'svc', exp: 100 });
    expect(validateClientJwt(`  ${token}\n`).value).toBe(token);
  });

  it('accepts a token of MAX_TOKEN_LENGTH characters and refuses one more, typed and with the limit', () => {
    const head = unsigned({ sub: 'svc', exp: 100 }, '');
    const atLimit = head + 'x'.repeat(MAX_TOKEN_LENGTH - head.length);
    expect(validateClientJwt(atLimit).principal).toBe('svc');
    const e = refusal(() => validateClientJwt(`${atLimit}x`));
    expect(e.code).toBe('ERR_INPUT_TOO_LARGE');
    expect(e.message).toBe(`The token is ${MAX_TOKEN_LENGTH + 1} characters; the limit is ${MAX_TOKEN_LENGTH}`);
  });

  it('refuses two sections, or a blank middle section, as a format error', () => {
    const payload = b64u(JSON.stringify({ sub: 'svc', exp: 100 }));
    for (const bad of [`${b64u('{}')}.${payload}`, `${b64u('{}')}. \t.sig`, '', `${payload}.${payload}.${payload}.x`]) {
      const e = refusal(() => validateClientJwt(bad));
      expect([e.code, e.message]).toEqual(['ERR_JWS_FORMAT', 'The token must have three non-blank sections (header, payload, and signature)']);
    }
  });

  it('decodes a payload with spaces around it, padding, or non-zero trailing bits, as Java\'s URL decoder does', () => {
    const json = JSON.stringify({ sub: 'ab', exp: 100 });
    const plain = b64u(json);
    expect(plain.length % 4).not.toBe(0);
    const padded = plain + '='.repeat(4 - (plain.length % 4));
    expect(validateClientJwt(`${b64u('{}')}.${padded}.sig`).principal).toBe('ab');
    expect(validateClientJwt(`${b64u('{}')}. ${plain} .sig`).principal).toBe('ab');
    // The payload's last character carries unused low bits; setting one gives the same bytes, non-canonically.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(plain.at(-1)!);
    const loose = plain.slice(0, -1) + alphabet[last | 1]!;
    expect(loose).not.toBe(plain);
    expect(Buffer.from(loose, 'base64url').toString()).toBe(json);
    expect(validateClientJwt(`${b64u('{}')}.${loose}.sig`).principal).toBe('ab');
  });

  it('a payload that is not base64url JSON is ERR_JWT_CLAIM with the decoder\'s reason, naming the JWT payload, as cause', () => {
    for (const payload of ['*!*', Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url'), b64u('not json'), b64u('[1]')]) {
      const e = refusal(() => validateClientJwt(`${b64u('{}')}.${payload}.sig`));
      expect([e.code, e.message]).toEqual(['ERR_JWT_CLAIM', 'The JWT payload is not base64url JSON (RFC 7519 §7.2)']);
      expect(e.cause).toBeInstanceOf(OAuthBearerError);
      expect((e.cause as Error).message).toContain('JWT payload');
    }
  });

  it('exp: missing or null is "must be non-null", a string or 1e400 "must be a number", negative refused, 0 accepted', () => {
    for (const claims of [{ sub: 'a' }, { sub: 'a', exp: null }]) {
      const e = refusal(() => validateClientJwt(unsigned(claims)));
      expect([e.code, e.message]).toEqual(['ERR_JWT_CLAIM', 'The "exp" claim value must be non-null']);
    }
    for (const exp of ['5', true]) {
      const e = refusal(() => validateClientJwt(unsigned({ sub: 'a', exp })));
      expect([e.code, e.message]).toEqual(['ERR_JWT_CLAIM', 'The "exp" claim must be a number']);
    }
    const inf = refusal(() => validateClientJwt(`${b64u('{}')}.${b64u('{"sub":"a","exp":1e400}')}.sig`));
    expect(inf.message).toBe('The "exp" claim must be a number');
    const neg = refusal(() => validateClientJwt(unsigned({ sub: 'a', exp: -1 })));
    expect([neg.code, neg.message]).toEqual(['ERR_JWT_CLAIM', 'The "exp" claim must not be negative']);
    expect(validateClientJwt(unsigned({ sub: 'a', exp: 0 })).lifetimeMs).toBe(0);
    expect(Object.is(validateClientJwt(unsigned({ sub: 'a', exp: -0.5 })).lifetimeMs, 0)).toBe(true);
  });

  it('iat is optional (null too); when present it must be a number, not negative, and is kept in ms', () => {
    expect(validateClientJwt(unsigned({ sub: 'a', exp: 10, iat: null })).startTimeMs).toBeNull();
    expect(validateClientJwt(unsigned({ sub: 'a', exp: 10, iat: 7.9 })).startTimeMs).toBe(7000);
    expect(Object.is(validateClientJwt(unsigned({ sub: 'a', exp: 10, iat: -0.5 })).startTimeMs, 0)).toBe(true);
    for (const iat of ['5', {}]) {
      const e = refusal(() => validateClientJwt(unsigned({ sub: 'a', exp: 10, iat })));
      expect([e.code, e.message]).toEqual(['ERR_JWT_CLAIM', 'The "iat" claim must be a number']);
    }
    const inf = refusal(() => validateClientJwt(`${b64u('{}')}.${b64u('{"sub":"a","exp":1,"iat":-1e400}')}.sig`));
    expect(inf.message).toBe('The "iat" claim must be a number');
    const neg = refusal(() => validateClientJwt(unsigned({ sub: 'a', exp: 10, iat: -1 })));
    expect([neg.code, neg.message]).toEqual(['ERR_JWT_CLAIM', 'The "iat" claim must not be negative']);
  });

  it('a missing principal is ERR_JWT_CLAIM naming the configured claim', () => {
    const e = refusal(() => validateClientJwt(unsigned({ sub: 'a', exp: 10 }), { subClaimName: 'user' }));
    expect([e.code, e.message]).toEqual(['ERR_JWT_CLAIM', 'The "user" claim value must be non-null']);
  });
});
