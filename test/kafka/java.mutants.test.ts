import { describe, expect, it } from 'vitest';
import { javaDigit, javaHashMapOrder, javaIsBlank, javaLongCast, javaRound, parseJavaDouble, parseJavaInt } from '../../src/kafka/java.js';

const bits = (x: number): string => {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  return v.getBigUint64(0).toString(16);
};

describe('parseJavaDouble: hex floats rounded once, ties to even, as Double.parseDouble', () => {
  // [text, bits of Java's result], recorded from Double.parseDouble on Temurin 25: signs, zero with a huge exponent,
  // the overflow boundary, round-down / tie-even / round-up / tie-odd just above 1, and the subnormal range.
  const cases: [string, string][] = [
    ['0x1p0', '3ff0000000000000'],
    ['-0x1p0', 'bff0000000000000'],
    ['0x0p2000', '0'],
    ['-0x0p0', '8000000000000000'],
    ['0x1p1023', '7fe0000000000000'],
    ['0x1p1024', '7ff0000000000000'],
    ['0x1.fffffffffffffp1023', '7fefffffffffffff'],
    ['0x1.fffffffffffff8p1023', '7ff0000000000000'],
    ['0x1.00000000000001p0', '3ff0000000000000'],
    ['0x1.00000000000008p0', '3ff0000000000000'],
    ['0x1.0000000000000cp0', '3ff0000000000001'],
    ['0x1.00000000000018p0', '3ff0000000000002'],
    ['0x1.00000000000017p0', '3ff0000000000001'],
    ['0x1.00000000000019p0', '3ff0000000000002'],
    ['0x1p-1074', '1'],
    ['0x1p-1075', '0'],
    ['0x1.8p-1075', '1'],
    ['0x1p-1076', '0'],
    ['0x3p-1076', '1'],
    ['0x1.fffffffffffffp-1023', '10000000000000'],
    ['0x1.fffffffffffff8p-1023', '10000000000000'],
    ['0x0.0000000000001p-1022', '1'],
    ['0x.8p1', '3ff0000000000000'],
    ['0x1.p1', '4000000000000000'],
    ['0x10p-4', '3ff0000000000000'],
    ['0xABC.DEFp-12', '3fe579bde0000000'],
    ['0x1p+3', '4020000000000000'],
    ['0x1p-3d', '3fc0000000000000'],
    ['0x1P3F', '4020000000000000'],
    ['0x123456789abcdef123p-60', '40723456789abcdf'],
    ['0x0.000000000000008p-1022', '0'],
    ['0x0.00000000000018p-1022', '2'],
  ];
  it('gives Java\'s double, bit for bit', () => {
    for (const [text, expected] of cases) expect(bits(parseJavaDouble(text)!), text).toBe(expected);
  });
});

describe('javaDigit (Character.digit(ch, 10))', () => {
  it('ASCII digits, other Nd runs by their offset, and nothing else', () => {
    expect([0x30, 0x39, 0x0660, 0x0661, 0x0669, 0x0966, 0x096f, 0xff10, 0xff19].map(javaDigit)).toEqual([0, 9, 0, 1, 9, 0, 9, 0, 9]);
    expect([0x2f, 0x3a, 0x41, 0x7f, 0x80, 0xe9, 0x00b2, 0xd800, 0xdfff, 0xffff].map(javaDigit)).toEqual(Array(10).fill(-1));
    expect([0x00, 0x20, 0x2d].map(javaDigit)).toEqual([-1, -1, -1]);
    expect(parseJavaInt('\u00e9')).toBeNull();
    expect(parseJavaInt('\u0661\u0662')).toBe(12);
  });
});

describe('javaIsBlank (Utils.isBlank)', () => {
  it('null, undefined and texts of characters up to U+0020 are blank; U+00A0 is not', () => {
    expect([null, undefined, '', ' \t\n\u0000'].map(javaIsBlank)).toEqual([true, true, true, true]);
    expect(['\u00a0', ' a '].map(javaIsBlank)).toEqual([false, false]);
  });
});

describe('javaLongCast and javaRound saturate at the long range; NaN is 0', () => {
  it('both', () => {
    for (const f of [javaLongCast, javaRound]) {
      expect(f(1e19)).toBe(9223372036854775807);
      expect(f(-1e19)).toBe(-9223372036854775807);
      expect(f(Number.NaN)).toBe(0);
      expect(f(-2.5)).toBe(-2);
    }
    expect(javaRound(2.5)).toBe(3);
    expect(javaLongCast(2.9)).toBe(2);
  });
});

describe('javaHashMapOrder (java.util.HashMap<String, ?> iteration)', () => {
  it('a repeated key counts once, at its first put', () => {
    expect(javaHashMapOrder(['b', 'a', 'b'])).toEqual(javaHashMapOrder(['b', 'a']));
    expect(javaHashMapOrder(['Aa', 'BB', 'Aa'])).toEqual(['Aa', 'BB']);
  });
  it('resizes past 12 and 24 entries as HashMap does (order recorded from Temurin 25)', () => {
    const keys = Array.from({ length: 24 }, (_, i) => `x${i}`);
    expect(javaHashMapOrder(keys)).toEqual(['x8', 'x9', 'x19', 'x10', 'x21', 'x20', 'x0', 'x12', 'x23', 'x1', 'x11', 'x22', 'x2', 'x14', 'x3', 'x13', 'x4', 'x16', 'x5', 'x15', 'x6', 'x18', 'x7', 'x17']);
  });
});
