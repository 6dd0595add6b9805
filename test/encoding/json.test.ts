import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJson, parseJsonObject } from '../../src/encoding/json.js';
import { formEncode } from '../../src/encoding/form.js';
import { decodeUtf8 } from '../../src/encoding/utf8.js';
import { OAuthBearerError } from '../../src/errors.js';

describe('parseJson', () => {
  it('parses RFC 8259 JSON and resolves duplicate names last-wins', () => {
    expect(parseJson('{"a":1,"a":2}')).toEqual({ a: 2 });
  });
  it('refuses trailing text by default and ignores it as Jackson readTree does when asked', () => {
    expect(() => parseJson('{"a":1}x')).toThrow(OAuthBearerError);
    expect(parseJson('{"a":"}"} garbage {', { trailing: 'ignore' })).toEqual({ a: '}' });
    expect(parseJson(' [1,[2]]]]', { trailing: 'ignore' })).toEqual([1, [2]]);
    expect(parseJson('"a\\"b" x', { trailing: 'ignore' })).toBe('a"b');
    expect(parseJson('12 34', { trailing: 'ignore' })).toBe(12);
  });
  it('bounds its input', () => {
    expect(() => parseJson('[' + '1,'.repeat(10) + '1]', { maxLength: 10 })).toThrow(expect.objectContaining({ code: 'ERR_INPUT_TOO_LARGE' }));
  });
  it('parseJsonObject refuses non-objects', () => {
    for (const t of ['[]', 'null', '"x"', '1']) expect(() => parseJsonObject(t)).toThrow(OAuthBearerError);
  });
  it('returns a value or OAuthBearerError for any text, in both modes (fuzz)', () => {
    const jsonish = fc.string({ unit: fc.constantFrom(...'{}[]",:\\ 0123456789.eE-+truefalsnul'.split('')), maxLength: 40 });
    fc.assert(fc.property(fc.oneof(jsonish, fc.string(), fc.json()), (text) => {
      for (const trailing of ['refuse', 'ignore'] as const) {
        try {
          parseJson(text, { trailing });
        } catch (err) {
          expect(err).toBeInstanceOf(OAuthBearerError);
        }
      }
    }), { numRuns: 2000 });
  });
  it('in ignore mode, any valid JSON followed by anything parses to the same value (property)', () => {
    fc.assert(fc.property(fc.json(), fc.string(), (json, tail) => {
      fc.pre(!/^[\d.eE+-]/.test(tail)); // a scalar number followed by digits would be one longer number
      expect(parseJson(json + ' ' + tail, { trailing: 'ignore' })).toEqual(JSON.parse(json));
    }), { numRuns: 1000 });
  });
});

describe('formEncode (Java URLEncoder)', () => {
  it('keeps *-._ and alphanumerics, writes space as +, escapes the rest upper-case', () => {
    expect(formEncode('a b*-._~!\'()é:')).toBe('a+b*-._%7E%21%27%28%29%C3%A9%3A');
  });
});

describe('decodeUtf8', () => {
  it('is fatal on malformed UTF-8', () => {
    expect(() => decodeUtf8(new Uint8Array([0xc3]))).toThrow(expect.objectContaining({ code: 'ERR_UTF8' }));
    expect(decodeUtf8(new Uint8Array([0xc3, 0xa9]))).toBe('é');
  });
});
