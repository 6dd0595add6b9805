// The error challenge codec: Kafka's bytes, strict decoding, fuzzing and round-trips.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OAuthBearerError } from '../../src/errors.js';
import { decodeErrorChallenge, encodeErrorChallenge, errorChallengeText, MAX_CHALLENGE_BYTES } from '../../src/sasl/challenge.js';

const enc = new TextEncoder();
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const RUNS = { numRuns: 1000 };

function attempt(bytes: Uint8Array): unknown {
  try {
    return decodeErrorChallenge(bytes);
  } catch (err) {
    if (!(err instanceof OAuthBearerError)) throw err;
    return err;
  }
}

describe('encodeErrorChallenge', () => {
  it("writes Kafka's broker bytes in kafka style (OAuthBearerSaslServer.jsonErrorResponse)", () => {
    expect(text(encodeErrorChallenge({ status: 'invalid_token' }, { style: 'kafka' }))).toBe('{"status":"invalid_token"}');
    expect(text(encodeErrorChallenge({ status: 'insufficient_scope', scope: '[read, admin]' }, { style: 'kafka' }))).toBe(
      '{"status":"insufficient_scope", "scope":"[read, admin]"}',
    );
  });

  it('writes compact JSON in the order status, scope, openid-configuration', () => {
    expect(errorChallengeText({ openidConfiguration: 'https://x/y', scope: 's', status: 'invalid_token' })).toBe(
      '{"status":"invalid_token","scope":"s","openid-configuration":"https://x/y"}',
    );
  });

  it('never emits broken JSON, where Kafka would', () => {
    const out = errorChallengeText({ status: 'insufficient_scope', scope: '[a"b, c\\d]' }, { style: 'kafka' });
    expect(JSON.parse(out)).toEqual({ status: 'insufficient_scope', scope: '[a"b, c\\d]' });
  });

  it('refuses an empty status (Kafka OAuthBearerValidatorCallback.error)', () => {
    expect(() => encodeErrorChallenge({ status: '' })).toThrow(expect.objectContaining({ code: 'ERR_USAGE_ARGUMENT' }));
    expect(() => encodeErrorChallenge({ status: 'x', scope: 1 as unknown as string })).toThrow(expect.objectContaining({ code: 'ERR_USAGE_ARGUMENT' }));
  });

  it('round-trips any strings in both styles', () => {
    const optional = fc.option(fc.string({ unit: 'binary', maxLength: 20 }), { nil: undefined });
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), optional, optional, fc.constantFrom('compact', 'kafka' as const), (status, scope, openidConfiguration, style) => {
        const fields = { status, ...(scope === undefined ? {} : { scope }), ...(openidConfiguration === undefined ? {} : { openidConfiguration }) };
        const decoded = decodeErrorChallenge(encodeErrorChallenge(fields, { style: style as 'compact' | 'kafka' }));
        expect(decoded).toEqual({ status, scope: scope ?? null, openidConfiguration: openidConfiguration ?? null });
      }),
      RUNS,
    );
  });
});

describe('decodeErrorChallenge', () => {
  it('ignores members other than the three of RFC 7628 §3.2.2 (§4.4 adds "schemes")', () => {
    expect(decodeErrorChallenge(enc.encode('{"status":"invalid_token","schemes":"bearer mac","scope":"s"}'))).toEqual({
      status: 'invalid_token',
      scope: 's',
      openidConfiguration: null,
    });
  });

  it('is bounded', () => {
    const big = enc.encode(`{"status":"invalid_token","x":"${'a'.repeat(MAX_CHALLENGE_BYTES)}"}`);
    expect(() => decodeErrorChallenge(big)).toThrow(expect.objectContaining({ code: 'ERR_INPUT_TOO_LARGE' }));
  });

  it('arbitrary bytes give a value or an OAuthBearerError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => void attempt(bytes)), RUNS);
  });

  it('near-miss JSON gives a value or an OAuthBearerError, and a value only with a string status', () => {
    const base = '{"status":"invalid_token", "scope":"[a, b]","openid-configuration":"https://x"}';
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.constantFrom(...'{}[]":,\\ 0n\u0000\u00ff'), (at, kind, c) => {
        const chars = [...base];
        const i = at % chars.length;
        if (kind === 'insert') chars.splice(i, 0, c);
        else if (kind === 'delete') chars.splice(i, 1);
        else chars[i] = c;
        const result = attempt(enc.encode(chars.join('')));
        if (!(result instanceof OAuthBearerError)) expect(typeof (result as { status: unknown }).status).toBe('string');
        else expect(['ERR_CHALLENGE', 'ERR_INPUT_TOO_LARGE']).toContain(result.code);
      }),
      RUNS,
    );
  });
});
