import { describe, expect, it } from 'vitest';
import { jacksonLimitExceeded, jacksonText } from '../../src/kafka/jackson.js';

const b = (...parts: (string | number[])[]): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));
const R = '\u0001'; // what jacksonText writes for a byte Jackson refuses

describe('jacksonText: encoding detection (ByteSourceJsonBootstrapper)', () => {
  it('reads one byte, even a zero byte, as UTF-8', () => {
    expect(jacksonText(b([0x00]))).toBe('\u0000');
    expect(jacksonText(b([0x41]))).toBe('A');
    expect(jacksonText(new Uint8Array())).toBe('');
  });
  it('reads two or three bytes with a zero byte as UTF-16 by the zero\'s place', () => {
    expect(jacksonText(b([0x00, 0x41]))).toBe('A');
    expect(jacksonText(b([0x41, 0x00]))).toBe('A');
    expect(jacksonText(b([0x00, 0x41, 0x00]))).toBe('A\ufffd');
  });
  it('reads UTF-16 by BOM, big and little endian', () => {
    expect(jacksonText(b([0xfe, 0xff, 0x00, 0x41]))).toBe('A');
    expect(jacksonText(b([0xff, 0xfe, 0x41, 0x00]))).toBe('A');
    expect(jacksonText(b([0xfe, 0xff, 0x00, 0x41, 0x00, 0x42]))).toBe('AB');
  });
  it('reads UTF-16 without BOM from the zero bytes of the first four', () => {
    expect(jacksonText(b([0x41, 0x00, 0x42, 0x00]))).toBe('AB');
    expect(jacksonText(b([0x00, 0x41, 0x00, 0x42]))).toBe('AB');
    expect(jacksonText(b([0x41, 0x00, 0x42, 0x43]))).toBe('A\u4342');
  });
  it('reads UTF-32 by BOM, big and little endian, and by three zero bytes', () => {
    expect(jacksonText(b([0x00, 0x00, 0xfe, 0xff, 0x00, 0x00, 0x00, 0x41]))).toBe('A');
    expect(jacksonText(b([0xff, 0xfe, 0x00, 0x00, 0x41, 0x00, 0x00, 0x00]))).toBe('A');
    expect(jacksonText(b([0x00, 0x00, 0x00, 0x41]))).toBe('A');
    expect(jacksonText(b([0x00, 0x00, 0x00, 0x01]))).toBe('\u0001');
    expect(jacksonText(b([0x41, 0x00, 0x00, 0x00]))).toBe('A');
    expect(jacksonText(b([0x41, 0x00, 0x00, 0x00, 0x42, 0x00, 0x00, 0x00]))).toBe('AB');
  });
  it('refuses the unusual UTF-32 byte orders (2143, 3412), by BOM or by zero bytes', () => {
    expect(jacksonText(b([0x00, 0x00, 0xff, 0xfe]))).toBe(R);
    expect(jacksonText(b([0xfe, 0xff, 0x00, 0x00]))).toBe(R);
    expect(jacksonText(b([0x00, 0x41, 0x00, 0x00]))).toBe(R);
    expect(jacksonText(b([0x00, 0x00, 0x41, 0x00]))).toBe(R);
  });
  it('UTF-32: refuses a partial unit and a code point above U+10FFFF, keeping what came before', () => {
    expect(jacksonText(b([0x00, 0x00, 0xfe, 0xff, 0x00, 0x00, 0x00]))).toBe(R);
    expect(jacksonText(b([0x00, 0x00, 0xfe, 0xff, 0x00, 0x10, 0xff, 0xff]))).toBe('\u{10ffff}');
    expect(jacksonText(b([0x00, 0x00, 0xfe, 0xff, 0x00, 0x00, 0x00, 0x41, 0x00, 0x11, 0x00, 0x00]))).toBe('A' + R);
  });
  it('a lone 0xFE or 0xFF before other bytes is no BOM: UTF-8 with the byte refused', () => {
    expect(jacksonText(b([0xfe, 0x41]))).toBe(R + 'A');
    expect(jacksonText(b([0xff, 0x41]))).toBe(R + 'A');
    expect(jacksonText(b([0x41, 0xfe]))).toBe('A' + R);
    expect(jacksonText(b([0x41, 0xff]))).toBe('A' + R);
  });
  it('skips only a whole UTF-8 BOM (EF BB BF)', () => {
    expect(jacksonText(b([0xef, 0xbb, 0xbf], 'A'))).toBe('A');
    expect(jacksonText(b('\u00fbA'))).toBe('\u00fbA'); // C3 BB: second byte as a BOM's
    expect(jacksonText(b([0xef, 0xbf, 0xbf]))).toBe('\uffff'); // EF _ BF
    expect(jacksonText(b([0xef, 0xbb, 0xbe]))).toBe('\ufefe'); // EF BB _
    expect(jacksonText(b('AA', [0xbf]))).toBe('AA' + R);
    expect(jacksonText(b([0xc3, 0xbb, 0xbf]))).toBe('\u00fb' + R); // _ BB BF
  });
});

describe('jacksonText: UTF8StreamJsonParser\'s lenient UTF-8', () => {
  it('decodes every valid sequence around a refused byte exactly', () => {
    // é (2 bytes), U+0080 (lowest 2-byte), Ѐ (D0 80: high lead bits), € (3 bytes), 😀 (4 bytes), then 0xFF refused.
    expect(jacksonText(b('"\u00e9\u0080\u0400\u20ac\u{1f600}', [0xff], '"'))).toBe('"\u00e9\u0080\u0400\u20ac\u{1f600}' + R + '"');
  });
  it('refuses a bad lead byte and a bad continuation one byte at a time', () => {
    expect(jacksonText(b('"a', [0xc2, 0x41], 'b"'))).toBe(`"a${R}Ab"`);
    expect(jacksonText(b([0xf8, 0x80, 0x80, 0x80]))).toBe(R.repeat(4));
    expect(jacksonText(b([0xe2, 0x82]))).toBe(R + R);
  });
});

describe('jacksonLimitExceeded (StreamReadConstraints: 1000 levels, 1000 digits)', () => {
  it('nesting: 1000 levels pass, 1001 fail; closing brackets and braces count down', () => {
    expect(jacksonLimitExceeded('['.repeat(1000) + ']'.repeat(1000))).toBeNull();
    expect(jacksonLimitExceeded('['.repeat(1001) + ']'.repeat(1001))).toBe('nesting');
    expect(jacksonLimitExceeded('{"a":'.repeat(1001) + '1' + '}'.repeat(1001))).toBe('nesting');
    expect(jacksonLimitExceeded('[' + '[]'.repeat(1001) + ']')).toBeNull();
    expect(jacksonLimitExceeded('[' + '{}'.repeat(1001) + ']')).toBeNull();
    expect(jacksonLimitExceeded('[[]' + '['.repeat(1000))).toBe('nesting');
  });
  it('brackets inside strings, escaped quotes included, do not nest', () => {
    expect(jacksonLimitExceeded('["' + '['.repeat(1001) + '"]')).toBeNull();
    expect(jacksonLimitExceeded('["\\"' + '['.repeat(1001) + '"]')).toBeNull();
    expect(jacksonLimitExceeded('["' + 'a'.repeat(1001))).toBeNull();
  });
  it('numbers: 1000 digits pass, 1001 fail, fraction and exponent digits counted with the integer ones', () => {
    expect(jacksonLimitExceeded('[' + '1'.repeat(1000) + ']')).toBeNull();
    expect(jacksonLimitExceeded('[' + '1'.repeat(1001) + ']')).toBe('number');
    expect(jacksonLimitExceeded('[' + '9'.repeat(1001) + ']')).toBe('number');
    expect(jacksonLimitExceeded('[-' + '0'.repeat(1001) + ']')).toBe('number');
    expect(jacksonLimitExceeded('[1e+' + '1'.repeat(1000) + ']')).toBe('number');
    expect(jacksonLimitExceeded('[1e-' + '1'.repeat(1000) + ']')).toBe('number');
    expect(jacksonLimitExceeded('[1E' + '1'.repeat(1000) + ']')).toBe('number');
    expect(jacksonLimitExceeded('[1e' + '1'.repeat(1000) + ']')).toBe('number');
    expect(jacksonLimitExceeded('[1.' + '1'.repeat(1000) + ']')).toBe('number');
    expect(jacksonLimitExceeded('[' + '1,'.repeat(600) + '1]')).toBeNull();
  });
  it('only the first value counts: after a top-level string, number or container, nothing is read', () => {
    expect(jacksonLimitExceeded('"abc" ' + '['.repeat(1001))).toBeNull();
    expect(jacksonLimitExceeded('1 ' + '['.repeat(1001))).toBeNull();
    expect(jacksonLimitExceeded('[] ' + '['.repeat(1001))).toBeNull();
    expect(jacksonLimitExceeded('{} ' + '1'.repeat(1001))).toBeNull();
  });
});
