import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  javaDoubleToString, javaHashMapOrder, javaLongCast, javaRound, javaStringHash, javaTrim, parseJavaDouble, parseJavaInt,
  parseJavaLong, parseJavaShort,
} from '../../src/kafka/java.js';

describe('javaDoubleToString (JDK 19+ Double.toString)', () => {
  it.each([
    [1732320000, '1.73232E9'], [1732320000.123, '1.732320000123E9'], [3600, '3600.0'], [1e10, '1.0E10'], [0.001, '0.001'],
    [1e-4, '1.0E-4'], [1e7, '1.0E7'], [9999999, '9999999.0'], [0, '0.0'], [-0, '-0.0'], [5e-324, '4.9E-324'], [1e-323, '9.9E-324'], [2e-323, '2.0E-323'], [1e-322, '9.9E-323'],
    [Number.MAX_VALUE, '1.7976931348623157E308'], [0.1 + 0.2, '0.30000000000000004'], [2e23, '2.0E23'], [-1.5, '-1.5'],
    [NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'], [100, '100.0'], [0.0009999, '9.999E-4'], [1234567.125, '1234567.125'], [12345678.5, '1.23456785E7'],
  ])('%s → %s', (d, text) => {
    expect(javaDoubleToString(d)).toBe(text);
  });
  it('round-trips every finite double and parses back through Double.valueOf', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
      const s = javaDoubleToString(d);
      expect(Number(s.replace('E', 'e'))).toBe(d);
      expect(Object.is(parseJavaDouble(s), d)).toBe(true);
      expect(s).toMatch(/^-?(\d+\.\d+|\d\.\d+E-?\d+)$/);
    }), { numRuns: 2000 });
  });
});

describe('parseJavaDouble (Double.valueOf)', () => {
  it.each([
    ['0.8d', 0.8], ['0x1p-1', 0.5], ['.6', 0.6], [' 7 ', 7], ['5d', 5], ['0x1p3', 8], ['1.', 1], ['7.5e-1', 0.75], ['+4', 4],
    ['0x1.8p1', 3], ['0X.8P1', 1], ['0x1p-1074', 5e-324], ['0x1p-1075', 0], ['0x1.8p-1074', 1e-323], ['0x1p1024', Infinity],
    ['-Infinity', -Infinity], ['1e400', Infinity],
  ])('%j → %s', (text, value) => {
    expect(parseJavaDouble(text)).toBe(value);
  });
  it('accepts NaN', () => expect(parseJavaDouble('NaN')).toBeNaN());
  it.each(['', '1e', '0x10', 'abc', 'Infinityd', 'NaNd', '1_0', '1,5', '.', '0x.p1', '1e5e5', '١'])('%j → null', (text) => {
    expect(parseJavaDouble(text)).toBeNull();
  });
});

describe('Java integer parsing', () => {
  it('Long.parseLong: sign, digits, any Nd digit, no trimming, overflow', () => {
    expect(parseJavaLong('+60')).toBe(60n);
    expect(parseJavaLong('-0')).toBe(0n);
    expect(parseJavaLong('\u0666\u0660')).toBe(60n);
    expect(parseJavaLong('\uff11\uff12')).toBe(12n);
    expect(parseJavaLong(' 60')).toBeNull();
    expect(parseJavaLong('9223372036854775807')).toBe(2n ** 63n - 1n);
    expect(parseJavaLong('-9223372036854775808')).toBe(-(2n ** 63n));
    expect(parseJavaLong('9223372036854775808')).toBeNull();
    expect(parseJavaLong('-')).toBeNull();
  });
  it('Short.parseShort and Integer.parseInt ranges', () => {
    expect(parseJavaShort('32767')).toBe(32767);
    expect(parseJavaShort('32768')).toBeNull();
    expect(parseJavaShort('60.0')).toBeNull();
    expect(parseJavaShort('6e1')).toBeNull();
    expect(parseJavaShort('0x10')).toBeNull();
    expect(parseJavaInt('2147483647')).toBe(2147483647);
    expect(parseJavaInt('2147483648')).toBeNull();
  });
  it('agrees with BigInt on every ASCII decimal string', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n) => {
      expect(parseJavaLong(n.toString())).toBe(n);
    }), { numRuns: 1000 });
  });
});

describe('Java casts, trim, hashing', () => {
  it('(long) truncates toward zero; NaN → 0; Math.round ties up', () => {
    expect(javaLongCast(-2.7)).toBe(-2);
    expect(javaLongCast(2.7)).toBe(2);
    expect(javaLongCast(NaN)).toBe(0);
    expect(javaRound(-2.5)).toBe(-2);
    expect(javaRound(2.5)).toBe(3);
    expect(javaRound(0.49999999999999994)).toBe(0);
  });
  it('String.trim strips ≤ U+0020 only', () => {
    expect(javaTrim('\u0001 a \u00a0')).toBe('a \u00a0');
  });
  it('String.hashCode', () => {
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('a')).toBe(97);
    expect(javaStringHash('Aa')).toBe(javaStringHash('BB'));
    expect(javaStringHash('hello')).toBe(99162322);
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648);
  });
  it('HashMap iteration order: bucket order, insertion order within a bucket, resizes at 12', () => {
    // "Aa" and "BB" collide: insertion order kept within the bucket.
    expect(javaHashMapOrder(['BB', 'Aa'])).toEqual(['BB', 'Aa']);
    expect(javaHashMapOrder(['c', 'b', 'a'])).toEqual(['a', 'b', 'c']);
    // 'q' (113) and 'a' (97) share bucket 1 of 16; with 13 keys the table has 32 buckets and they separate.
    expect(javaHashMapOrder(['q', 'a'])).toEqual(['q', 'a']);
    const thirteen = ['q', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'];
    expect(javaHashMapOrder(thirteen).slice(0, 2)).toEqual(['a', 'b']);
  });
});
