import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeBase64url, encodeBase64, encodeBase64url } from '../../src/encoding/base64.js';
import { OAuthBearerError } from '../../src/errors.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('base64url (RFC 4648 §5, RFC 7515 §2)', () => {
  it('matches the RFC 4648 §10 test vectors', () => {
    const cases: [string, string][] = [['', ''], ['f', 'Zg'], ['fo', 'Zm8'], ['foo', 'Zm9v'], ['foob', 'Zm9vYg'], ['fooba', 'Zm9vYmE'], ['foobar', 'Zm9vYmFy']];
    for (const [plain, encoded] of cases) {
      expect(encodeBase64url(bytes(plain))).toBe(encoded);
      expect(decodeBase64url(encoded)).toEqual(bytes(plain));
    }
    expect(encodeBase64(bytes('fo'))).toBe('Zm8=');
  });
  it('uses - and _ where base64 has + and /', () => {
    expect(encodeBase64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    expect(encodeBase64(new Uint8Array([0xfb, 0xff]))).toBe('+/8=');
  });
  it('refuses padding, stray characters and impossible lengths', () => {
    for (const bad of ['Zg==', 'Zm8=', 'Zm9v!', 'Zm 9v', 'Z', 'Zm9vY', '+/8', 'Zm9v\n']) {
      expect(() => decodeBase64url(bad), bad).toThrow(OAuthBearerError);
    }
  });
  it('refuses non-canonical encodings unless asked to tolerate them, as Java does', () => {
    expect(() => decodeBase64url('Zh')).toThrow(/unused bits/);
    expect(decodeBase64url('Zh', { canonical: false })).toEqual(bytes('f'));
  });
  it('tolerates correct padding when allowed (Java URL decoder)', () => {
    expect(decodeBase64url('Zg==', { padding: 'allow' })).toEqual(bytes('f'));
    expect(decodeBase64url('Zg', { padding: 'allow' })).toEqual(bytes('f'));
    expect(() => decodeBase64url('Zg=', { padding: 'allow' })).toThrow(OAuthBearerError);
  });
  it('round-trips any bytes (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      expect(decodeBase64url(encodeBase64url(b))).toEqual(b);
      expect(decodeBase64(encodeBase64(b))).toEqual(b);
    }), { numRuns: 1000 });
  });
  it('returns bytes or throws OAuthBearerError for any string (fuzz)', () => {
    const alphabetish = fc.string({ unit: fc.constantFrom(...'AZaz09-_+/=. \u0000\u00e9'.split('')), maxLength: 64 });
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 64 }), alphabetish), (s) => {
      for (const decode of [() => decodeBase64url(s), () => decodeBase64url(s, { padding: 'allow', canonical: false }), () => decodeBase64(s)]) {
        try {
          expect(decode()).toBeInstanceOf(Uint8Array);
        } catch (err) {
          expect(err).toBeInstanceOf(OAuthBearerError);
        }
      }
    }), { numRuns: 2000 });
  });
});
