import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import { decodeBase64url, encodeBase64url } from '../../src/encoding/base64.js';
import { decodeUtf8, encodeUtf8 } from '../../src/encoding/utf8.js';
import { createUnsecuredToken, unsecuredValidator, validateUnsecuredToken } from '../../src/kafka/unsecured.js';
import { createClient } from '../../src/sasl/client.js';
import { authenticateStep, createServer } from '../../src/sasl/server.js';

const part = (token: string, i: number): string => decodeUtf8(decodeBase64url(token.split('.')[i]!));

describe('createUnsecuredToken: the bytes Kafka makes', () => {
  it('writes {"alg":"none"} and {"exp":E,"iat":I,...} with Double.toString numbers, exp first', () => {
    const t = createUnsecuredToken(new Map([['unsecuredLoginStringClaim_sub', 'alice']]), 1732320000000);
    expect(t.value).toBe(`eyJhbGciOiJub25lIn0.${encodeBase64url(encodeUtf8('{"exp":1.7323236E9,"iat":1.73232E9,"sub":"alice"}'))}.`);
    expect(part(t.value, 0)).toBe('{"alg":"none"}');
    expect(t.value.endsWith('.')).toBe(true);
  });
  it('prints number claims as Java doubles and list claims with the extra "" quirk', () => {
    const t = createUnsecuredToken({
      unsecuredLoginStringClaim_sub: 'alice', unsecuredLoginNumberClaim_n: '1e10', unsecuredLoginListClaim_l: ',a,,b',
    }, 0);
    const claims = part(t.value, 1);
    expect(claims.startsWith('{"exp":3600.0,"iat":0.0,')).toBe(true);
    expect(claims).toContain('"n":1.0E10');
    expect(claims).toContain('"l":["a","","b",""]');
  });
  it('orders claims as Kafka\'s JaasConfig HashMap iterates the options', () => {
    const t = createUnsecuredToken(new Map([
      ['unsecuredLoginStringClaim_sub', 'alice'], ['unsecuredLoginListClaim_scope', ',a'], ['unsecuredLoginNumberClaim_n', '1'],
    ]), 0);
    expect(part(t.value, 1)).toBe('{"exp":3600.0,"iat":0.0,"scope":["a"],"n":1.0,"sub":"alice"}');
  });
  it('keeps extensions apart from claims', () => {
    const t = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'a', unsecuredLoginExtension_traceId: 'x-1' }, 0);
    expect([...t.extensions]).toEqual([['traceId', 'x-1']]);
    expect(part(t.value, 1)).not.toContain('traceId');
  });
  it('refuses a quote rather than emit malformed JSON, and says which claim', () => {
    try {
      createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'secret"value' }, 0);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(OAuthBearerError);
      expect((e as OAuthBearerError).code).toBe('ERR_CONFIG');
      expect((e as OAuthBearerError).message).not.toContain('secret');
    }
  });
});

const principalArb = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim().length > 0 && !/["\u0000-\u001f\ud800-\udfff]/.test(s));
const scopeItemArb = fc.stringMatching(/^[a-z:._-]{1,10}$/);

describe('create → validate round trip', () => {
  it('any principal, scope, lifetime and time validates back to the same facts', () => {
    fc.assert(fc.property(
      principalArb, fc.uniqueArray(scopeItemArb, { maxLength: 5 }), fc.integer({ min: 1, max: 10 ** 7 }),
      // Validated at least 1 ms after creation: in the same millisecond Kafka's own check `1000 * iat > now` can
      // refuse a fresh token, since iat = now / 1000.0 does not round-trip in doubles (vectors iat-double-*).
      fc.integer({ min: 0, max: 4 * 10 ** 12 }), fc.integer({ min: 1, max: 999 }),
      (principal, scope, lifetime, nowMs, elapsed) => {
        const options = new Map([
          ['unsecuredLoginStringClaim_sub', principal],
          ['unsecuredLoginLifetimeSeconds', String(lifetime)],
          ...(scope.length > 0 ? [['unsecuredLoginListClaim_scope', ' ' + scope.join(' ')] as [string, string]] : []),
        ]);
        const made = createUnsecuredToken(options, nowMs);
        expect(made.principal).toBe(principal);
        expect([...made.scope].sort()).toEqual([...scope].sort());
        expect(made.startTimeMs).toBe(nowMs);
        expect(Math.abs(made.lifetimeMs - (nowMs + lifetime * 1000))).toBeLessThanOrEqual(1);
        const checked = validateUnsecuredToken(made.value, { unsecuredValidatorRequiredScope: scope.join(' ') }, nowMs + elapsed);
        expect(checked).toEqual({ value: made.value, principal, scope: made.scope, lifetimeMs: made.lifetimeMs, startTimeMs: made.startTimeMs });
      },
    ), { numRuns: 1000 });
  });
});

describe('validateUnsecuredToken', () => {
  const token = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'alice', unsecuredLoginListClaim_scope: ' read' }, 1_700_000_000_000).value;
  it('reports insufficient_scope with the Java list text', () => {
    try {
      validateUnsecuredToken(token, { unsecuredValidatorRequiredScope: 'read write admin' }, 1_700_000_000_000);
      expect.unreachable();
    } catch (e) {
      const err = e as OAuthBearerError;
      expect(err.code).toBe('ERR_INSUFFICIENT_SCOPE');
      expect(err.status).toBe('insufficient_scope');
      expect(err.scope).toBe('[read, write, admin]');
    }
  });
  it('config errors carry no status', () => {
    for (const options of [{ unsecuredValidatorAllowableClockSkewMs: '-1' }, { unsecuredValidatorRequiredScope: 'a\\b' }] as Record<string, string>[]) {
      try {
        validateUnsecuredToken(token, options, 0);
        expect.unreachable();
      } catch (e) {
        expect((e as OAuthBearerError).code).toBe('ERR_CONFIG');
        expect((e as OAuthBearerError).status).toBeUndefined();
      }
    }
  });
  it('a negative clock skew is refused with Kafka\'s text, which ends with the value', () => {
    // OAuthBearerUnsecuredValidatorCallbackHandler: String.format("Allowable clock skew millis must not be negative: %s", value)
    for (const [text, shown] of [['-1', '-1'], [' -250 ', '-250'], ['-2147483648', '-2147483648']]) {
      expect(() => validateUnsecuredToken(token, { unsecuredValidatorAllowableClockSkewMs: text! }, 0))
        .toThrow(expect.objectContaining({ code: 'ERR_CONFIG', message: `Allowable clock skew millis must not be negative: ${shown}` }));
    }
  });
  it('unsecuredValidator defers bad options to each validation, as Kafka\'s handler throws per callback', async () => {
    const validate = unsecuredValidator({ unsecuredValidatorAllowableClockSkewMs: 'x' });
    await expect(async () => validate(token, { nowMs: 0 })).rejects.toMatchObject({ code: 'ERR_CONFIG', status: undefined });
    const good = unsecuredValidator({});
    expect((await good(token, { nowMs: 1_700_000_000_000 })).principal).toBe('alice');
  });
  it('throws only OAuthBearerError for any input, with invalid_token or no status', () => {
    fc.assert(fc.property(
      fc.oneof(fc.string(), fc.tuple(fc.string(), fc.string(), fc.string()).map(([a, b, c]) => `${encodeBase64url(encodeUtf8(a))}.${encodeBase64url(encodeUtf8(b))}.${c}`)),
      (value) => {
        try {
          validateUnsecuredToken(value, {}, 0);
        } catch (e) {
          expect(e).toBeInstanceOf(OAuthBearerError);
          expect([undefined, 'invalid_token']).toContain((e as OAuthBearerError).status);
        }
      },
    ), { numRuns: 1000 });
  });
});

describe('unsecuredLoginExtensions (the SaslExtensionsCallback)', () => {
  it('returns valid extensions and refuses what validateExtensions refuses', async () => {
    const { unsecuredLoginExtensions } = await import('../../src/kafka/unsecured.js');
    expect([...unsecuredLoginExtensions({ unsecuredLoginExtension_traceId: 'a b', other: 'x' })]).toEqual([['traceId', 'a b']]);
    for (const [k, v] of [['trace_id', '1'], ['trace1', '1'], ['auth', 'x'], ['', 'x'], ['trace', ''], ['trace', 'h\u00e9'], ['trace', 'a\u007fb']]) {
      expect(() => unsecuredLoginExtensions({ [`unsecuredLoginExtension_${k}`]: v! })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }));
      expect(() => createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'a', [`unsecuredLoginExtension_${k}`]: v! }, 0)).toThrow(OAuthBearerError);
    }
  });
});

// Issue 12 item 5: the kafka profile refused tokens over 16 KiB (64 KiB unsecured), but Kafka's broker takes any
// token that fits its 524288-byte SASL frame (it accepts a 200 KB unsecured token). The bound is now the frame's,
// and configurable.
describe('token length bounds follow Kafka\'s frame (issue 12)', () => {
  const nowMs = 1_700_000_000_000;
  const big = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'alice', unsecuredLoginStringClaim_pad: 'x'.repeat(200_000) }, nowMs);
  it('accepts a 200 KB unsecured token through the kafka profile server, as Kafka does', async () => {
    expect(big.value.length).toBeGreaterThan(200_000);
    const reply = await authenticateStep(createServer({ profile: 'kafka' }), createClient({ token: big.value }).start(), {
      validator: unsecuredValidator({}), context: { nowMs },
    });
    expect([reply.state, reply.principal]).toEqual(['success', 'alice']);
  });
  it('refuses it past a configured maxTokenLength, and past the frame by default', async () => {
    expect(() => validateUnsecuredToken(big.value, {}, nowMs, { maxTokenLength: 16_384 })).toThrow(expect.objectContaining({ message: expect.stringContaining('maxTokenLength') }));
    const reply = await authenticateStep(createServer({ profile: 'kafka' }), createClient({ token: big.value }).start(), {
      validator: unsecuredValidator({}, { maxTokenLength: 16_384 }), context: { nowMs },
    });
    expect(reply.state).not.toBe('success');
    expect(() => createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'alice', unsecuredLoginStringClaim_pad: 'x'.repeat(400_000) }, nowMs)).toThrow(OAuthBearerError);
    expect(() => validateUnsecuredToken(`${big.value}${'x'.repeat(330_000)}`, {}, nowMs)).toThrow(expect.objectContaining({ message: expect.stringContaining('the limit is 524288') }));
    expect(() => unsecuredValidator({}, { maxTokenLength: 0 })).toThrow(expect.objectContaining({ code: 'ERR_USAGE_ARGUMENT' }));
  });
});
