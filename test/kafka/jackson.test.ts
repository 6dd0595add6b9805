import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jacksonText } from '../../src/kafka/jackson.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));

describe('jacksonText (ObjectMapper.readTree(byte[]) input decoding)', () => {
  it('is plain UTF-8 decoding for valid UTF-8 (any JSON text)', () => {
    fc.assert(fc.property(fc.json(), (text) => {
      expect(jacksonText(new TextEncoder().encode(text))).toBe(text);
    }), { numRuns: 1000 });
  });
  it('skips a UTF-8 BOM and reads UTF-16/UTF-32 by BOM or zero bytes', () => {
    expect(JSON.parse(jacksonText(bytes([0xef, 0xbb, 0xbf], '{"a":1}')))).toEqual({ a: 1 });
    const le = new Uint8Array([0xff, 0xfe, ...[...'{"a":"\u00e9"}'].flatMap((c) => [c.charCodeAt(0), 0])]);
    expect(JSON.parse(jacksonText(le))).toEqual({ a: '\u00e9' });
    const be = new Uint8Array([...'{"a":1}'].flatMap((c) => [0, c.charCodeAt(0)]));
    expect(JSON.parse(jacksonText(be))).toEqual({ a: 1 });
    const be32 = new Uint8Array([...'{"a":1}'].flatMap((c) => [0, 0, 0, c.charCodeAt(0)]));
    expect(JSON.parse(jacksonText(be32))).toEqual({ a: 1 });
  });
  it('decodes overlong forms and surrogates inside strings as Jackson does', () => {
    expect(JSON.parse(jacksonText(bytes('"a', [0xc0, 0xa2], 'b"')))).toBe('a"b');
    expect(JSON.parse(jacksonText(bytes('"a', [0xc0, 0x80], 'b"')))).toBe('a\u0000b');
    expect(JSON.parse(jacksonText(bytes('"a', [0xed, 0xa0, 0x80], 'b"')))).toBe('a\ud800b');
    expect(JSON.parse(jacksonText(bytes('"a', [0xf4, 0x90, 0x80, 0x80], 'b"')))).toBe('a\udc00\udc00b');
  });
  it('turns bytes Jackson refuses into text no JSON value accepts', () => {
    for (const bad of [[0xff], [0x80], [0xc2, 0x41], [0xe2, 0x82]]) {
      expect(() => JSON.parse(jacksonText(bytes('"a', bad, 'b"')))).toThrow();
    }
  });
});
