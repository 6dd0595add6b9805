import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeBase64url, encodeBase64, encodeBase64url } from '../../src/encoding/base64.js';
import { pooledBytes } from '../../src/encoding/pool.js';
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
  it('accepts exactly what an independent oracle accepts, pooled or not (differential property)', () => {
    // Characters whose low 7 bits are in the alphabet ('\u0141' & 127 is 'A') must still be refused.
    const unit = fc.constantFrom(...'AZaz09-_+/=. \u0000\u00c1\u0141\u00e9'.split(''), 'Q', 'w', 'g', 'E');
    const oracle = (t: string): Uint8Array | null => {
      if (!/^[A-Za-z0-9_-]*$/.test(t) || t.length % 4 === 1) return null;
      const out = new Uint8Array(Buffer.from(t, 'base64url'));
      return Buffer.from(out).toString('base64url') === t ? out : null; // canonical: re-encodes to itself
    };
    fc.assert(fc.property(fc.string({ unit, maxLength: 40 }), (t) => {
      const expected = oracle(t);
      for (const decode of [(x: string) => decodeBase64url(x), (x: string) => decodeBase64url(x, { pooled: true })]) {
        if (expected === null) expect(() => decode(t), t).toThrow(OAuthBearerError);
        else expect(decode(t), t).toEqual(expected);
      }
    }), { numRuns: 3000 });
  });
});

describe('base64url past the 16 KiB scratch (decoded piece by piece)', () => {
  it('decodes and refuses as the short path does', () => {
    const raw = new Uint8Array(13_000).map((_, i) => (i * 7919) & 255);
    const text = Buffer.from(raw).toString('base64url');
    expect(text.length).toBeGreaterThan(16 * 1024);
    expect(decodeBase64url(text)).toEqual(raw);
    expect(decodeBase64url(text, { pooled: true })).toEqual(raw);
    for (const at of [9000, 16383, 16384, 17000]) { // in the first 16 KiB piece, at its edges, in the second
      for (const bad of ['\u0141', '\u00c1', '=', '+', ' ']) {
        expect(() => decodeBase64url(`${text.slice(0, at)}${bad}${text.slice(at + 1)}`), bad).toThrow(new RegExp(`offset ${at}`));
      }
    }
    expect(() => decodeBase64url(`${text.slice(0, -1)}h`)).toThrow(/unused bits/); // 17336 chars: rest 2
  });
});

describe('pooledBytes', () => {
  it('hands out zeroed views that never overlap, across pool turnover', () => {
    const views: Uint8Array[] = [];
    for (let i = 0; i < 200; i++) {
      const v = pooledBytes(1 + ((i * 37) % 700));
      expect(v.every((b) => b === 0)).toBe(true);
      v.fill(i & 255);
      views.push(v);
    }
    views.forEach((v, i) => expect(v.every((b) => b === (i & 255)), `view ${i}`).toBe(true));
    expect(pooledBytes(5000).buffer.byteLength).toBe(5000); // large requests are not pooled
  });
});
