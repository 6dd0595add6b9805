// The protocol's primitive types (src/kafka/wire/bytes.ts): Reader and Writer at each boundary Kafka's Type.java and
// ByteUtils give (varint lengths, string limits, null vs empty, negative sizes), the exact error texts, UTF-8 of every
// width, and the shared writer's growth, deferred large fields and memory bound.
import { describe, expect, it } from 'vitest';
import { Reader, Writer, utf8Length } from '../../../src/kafka/wire/bytes.js';

/** An OAuthBearerError with this code and exactly this message (a bare Error instance in toThrow checks the message only). */
const err = (code: string, message: string): unknown => expect.objectContaining({ name: 'OAuthBearerError', code, message });
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const reader = (h: string, what = 'Msg'): Reader => new Reader(unhex(h), what);
const written = (f: (w: Writer) => void, size?: number): string => {
  const w = new Writer(size);
  f(w);
  return hex(w.take());
};

describe('Reader', () => {
  it('names the message alone until a version is set, then with it (v0 included)', () => {
    const r = reader('00');
    expect(() => r.int16('f')).toThrow(err('ERR_KAFKA_FRAME', 'Msg: f needs 2 bytes but the frame has 1 left (truncated frame or field)'));
    r.version = 0;
    expect(() => r.int16('f')).toThrow('Msg v0: f needs 2 bytes but the frame has 1 left (truncated frame or field)');
  });
  it('counts the bytes left from the current position', () => {
    const r = reader('0102030405');
    expect(r.remaining).toBe(5);
    r.int16('a');
    expect(r.remaining).toBe(3);
    expect(() => r.int32('b')).toThrow('Msg: b needs 4 bytes but the frame has 3 left (truncated frame or field)');
  });
  it('reads int8 signed and moves on one byte', () => {
    const r = reader('ff7f');
    expect(r.int8('a')).toBe(-1);
    expect(r.int8('b')).toBe(127);
    expect(r.remaining).toBe(0);
    expect(() => r.int8('c')).toThrow('Msg: c needs 1 bytes but the frame has 0 left');
  });
  it('reads unsigned varints of 1 to 5 bytes, as a Java int', () => {
    expect(reader('00').uvarint('v')).toBe(0);
    expect(reader('7f').uvarint('v')).toBe(127);
    expect(reader('8001').uvarint('v')).toBe(128);
    expect(reader('ffffffff07').uvarint('v')).toBe(2147483647);
    expect(reader('ffffffff0f').uvarint('v')).toBe(-1);
  });
  it('refuses a varint of 6 bytes and one cut short, with ByteUtils\' reasons', () => {
    expect(() => reader('808080808000').uvarint('v')).toThrow(err('ERR_KAFKA_FRAME', 'Msg: v is a varint longer than 5 bytes'));
    expect(() => reader('8080808080808080').uvarint('v')).toThrow('Msg: v is a varint longer than 5 bytes');
    expect(() => reader('80').uvarint('v')).toThrow(err('ERR_KAFKA_FRAME', 'Msg: v (an unsigned varint) runs past the end of the frame'));
    expect(() => reader('').uvarint('v')).toThrow('Msg: v (an unsigned varint) runs past the end of the frame');
  });
  it('reads a compact string of 32767 bytes and refuses 32768, as Kafka\'s generated readers', () => {
    const ok = new Uint8Array(3 + 32767).fill(0x61);
    ok.set([0x80, 0x80, 0x02], 0); // 32768 = length + 1
    expect(new Reader(ok, 'Msg').string(true, 's')).toHaveLength(32767);
    const over = new Uint8Array(3 + 32768).fill(0x61);
    over.set([0x81, 0x80, 0x02], 0);
    expect(() => new Reader(over, 'Msg').string(true, 's')).toThrow(err('ERR_KAFKA_FRAME', 'Msg: s has length 32768, above Kafka\'s limit of 32767'));
  });
  it('tells a null string from an empty one, classic and compact', () => {
    expect(reader('ffff').nullableString(false, 's')).toBeNull();
    expect(reader('8000').nullableString(false, 's')).toBeNull(); // any negative length
    expect(reader('0000').nullableString(false, 's')).toBe('');
    expect(reader('00').nullableString(true, 's')).toBeNull();
    expect(reader('01').nullableString(true, 's')).toBe('');
    expect(() => reader('00').string(true, 's')).toThrow('Msg: non-nullable field s was serialized as null');
  });
  it('decodes UTF-8 of short and long strings as Java does, malformed bytes as U+FFFD', () => {
    expect(reader('0003' + '61c3a9').string(false, 's')).toBe('aé');
    expect(reader('0002' + 'c3a9').string(false, 's')).toBe('é');
    expect(reader('0004' + '7f61ff62').string(false, 's')).toBe('\x7fa\ufffdb');
    const long = 'é'.repeat(20) + 'a'.repeat(10); // 50 bytes
    expect(reader('0032' + hex(new TextEncoder().encode(long))).string(false, 's')).toBe(long);
    expect(reader('0021' + '61'.repeat(33)).string(false, 's')).toBe('a'.repeat(33));
    expect(reader('0020' + '61'.repeat(31) + 'c3').string(false, 's')).toBe('a'.repeat(31) + '\ufffd');
  });
  it('reads null and empty byte fields apart; a null one where none is allowed is refused', () => {
    expect(reader('00000000').byteArray(false, 'b')).toEqual(new Uint8Array());
    expect(reader('01').byteArray(true, 'b')).toEqual(new Uint8Array());
    expect(() => reader('ffffffff').byteArray(false, 'b')).toThrow(err('ERR_KAFKA_FRAME', 'Msg: non-nullable field b was serialized as null'));
    expect(() => reader('00').byteArray(true, 'b')).toThrow('Msg: non-nullable field b was serialized as null');
    expect(() => reader('0000000301').byteArray(false, 'b')).toThrow('Msg: b needs 3 bytes but the frame has 1 left');
  });
  it('refuses an array count above the bytes left before allocating, counting from the position', () => {
    const r = reader('0000' + '00000003' + '010203');
    r.int16('x');
    expect(r.arrayLength(false, 'a', false)).toBe(3);
    const r2 = reader('0000' + '00000004' + '010203');
    r2.int16('x');
    expect(() => r2.arrayLength(false, 'a', false)).toThrow(err('ERR_KAFKA_FRAME', 'Msg: a announces 4 elements, but there are only 3 bytes remaining'));
    expect(reader('00').arrayLength(true, 'a', true)).toBe(-1);
    expect(() => reader('00').arrayLength(true, 'a', false)).toThrow('Msg: non-nullable field a was serialized as null');
  });
  it('keeps unknown tagged fields as read; refuses a negative size and one past the end', () => {
    expect(reader('02' + '0500' + '0702aabb').taggedFields()).toEqual([{ tag: 5, data: new Uint8Array() }, { tag: 7, data: new Uint8Array([0xaa, 0xbb]) }]);
    expect(reader('00').taggedFields()).toBeUndefined();
    expect(reader('ffffffff0f').taggedFields()).toBeUndefined(); // a count reading negative means none (Java's loop)
    expect(() => reader('01' + '05' + 'ffffffff0f').taggedFields()).toThrow(err('ERR_KAFKA_FRAME', 'Msg: tagged field 5 has a negative size'));
    expect(() => reader('01' + '05' + '03aa').taggedFields()).toThrow('Msg: tagged field 5 needs 3 bytes but the frame has 1 left');
    expect(() => reader('').taggedFields()).toThrow('Msg: tagged field count (an unsigned varint) runs past the end of the frame');
    expect(() => reader('01').taggedFields()).toThrow('Msg: tag (an unsigned varint) runs past the end of the frame');
    expect(() => reader('0105').taggedFields()).toThrow('Msg: tagged field size (an unsigned varint) runs past the end of the frame');
  });
});

describe('Writer', () => {
  it('writes int8, int64 (negative and up to 2^53 exactly) and varints at their byte boundaries', () => {
    expect(written((w) => { w.int8(-1); w.int8(5); })).toBe('ff05');
    expect(written((w) => w.int64(-1))).toBe('ffffffffffffffff');
    expect(written((w) => w.int64(-2))).toBe('fffffffffffffffe');
    expect(written((w) => w.int64(2 ** 53 - 1))).toBe('001fffffffffffff');
    expect(written((w) => w.int64(2 ** 40 + 3))).toBe('0000010000000003');
    expect(written((w) => { w.uvarint(127); w.uvarint(128); w.uvarint(16383); w.uvarint(16384); })).toBe('7f' + '8001' + 'ff7f' + '808001');
    expect(written((w) => w.uvarint(-1))).toBe('ffffffff0f');
  });
  it('writes null strings and bytes as Kafka does: -1 classic, 0 compact', () => {
    expect(written((w) => { w.string(null, false, 's'); w.string(null, true, 's'); })).toBe('ffff00');
    expect(written((w) => { w.bytes(null, false); w.bytes(null, true); })).toBe('ffffffff00');
    expect(written((w) => { w.arrayLength(null, false); w.arrayLength(null, true); w.arrayLength(2, true); })).toBe('ffffffff0003');
  });
  it('writes UTF-8 of every width with its byte length (lone surrogates as U+FFFD, as TextEncoder)', () => {
    for (const s of ['é', '\u0080', '\u07ff', '\u0800', '€', '\uffff', '\u{10000}', '\u{10ffff}', 'a\u{1f600}b', '\ud800', '\ud800a', 'a\udc00', '€\udc00', '\ud800é', '\udc00\udc00', '\ue000\udc00', '\udbff\udfff', 'é\u{10000}\ud800']) {
      const utf8 = new TextEncoder().encode(s);
      expect(utf8Length(s)).toBe(utf8.length);
      expect(written((w) => w.string(s, true, 's'))).toBe(hex(new Uint8Array([utf8.length + 1])) + hex(utf8));
      const classic = new Writer();
      classic.string(s, false, 's');
      expect(new Reader(classic.take(), 'Msg').string(false, 's')).toBe(new TextDecoder().decode(utf8));
    }
  });
  it('refuses a string of 32768 bytes and takes one of 32767; the byte count, not the UTF-16 length, is held to it', () => {
    expect(() => new Writer().string('x'.repeat(32768), false, 'f')).toThrow(err('ERR_USAGE_ARGUMENT', 'f is 32768 bytes, above Kafka\'s limit of 32767'));
    expect(() => new Writer().string('é'.repeat(16384), true, 'f')).toThrow('f is 32768 bytes, above Kafka\'s limit of 32767');
    const w = new Writer();
    w.string('x'.repeat(32767), false, 'f');
    expect(w.take()).toHaveLength(2 + 32767);
  });
  it('writes a uuid of 22 base64url characters and refuses anything else, naming the field', () => {
    expect(written((w) => w.uuid('AAECAwQFBgcICQoLDA0ODw', 'id'))).toBe('000102030405060708090a0b0c0d0e0f');
    const msg = 'id must be a uuid as Kafka writes it: 22 base64url characters for 16 bytes';
    for (const bad of ['', 'AAECAwQFBgcICQoLDA0ODw==', 'AAECAwQFBgcICQoLDA0O', 'AAECAwQFBgcICQoLDA0OD!', '!!!!!!!!!!!!!!!!!!!!!!', 'AAECAwQFBgcICQoLDA0ODwAA']) {
      expect(() => new Writer().uuid(bad, 'id')).toThrow(err('ERR_USAGE_ARGUMENT', msg));
    }
  });
  it('writes unknown tagged fields in tag order with their sizes; none as a zero count', () => {
    const one = new Uint8Array([1]);
    expect(written((w) => w.taggedFields([{ tag: 9, data: one }, { tag: 2, data: new Uint8Array([2, 2]) }, { tag: 5, data: new Uint8Array() }]))).toBe('03' + '02020202' + '0500' + '090101');
    expect(written((w) => { w.taggedFields(undefined); w.taggedFields([]); })).toBe('0000');
  });
  it('grows past its start size, however far one write goes', () => {
    const big = new Uint8Array(100).map((_, i) => i);
    expect(written((w) => { w.int32(7); w.raw(big); w.int8(1); }, 8)).toBe('00000007' + hex(big) + '01');
    expect(written((w) => { for (let i = 0; i < 10; i++) w.int32(i); }, 4)).toBe(Array.from({ length: 10 }, (_, i) => i.toString(16).padStart(8, '0')).join(''));
    expect(written((w) => { w.raw(new Uint8Array([1, 2, 3])); w.int8(4); }, 4)).toBe('01020304');
  });
  it('places several large (deferred) byte fields and the bytes between them in order', () => {
    const a = new Uint8Array(300).fill(0xaa);
    const b = new Uint8Array(256).fill(0xbb);
    const w = new Writer();
    w.int8(1);
    w.bytes(a, false);
    w.int16(0x0203);
    w.bytes(b, true);
    w.int8(4);
    expect(w.length).toBe(1 + 4 + 300 + 2 + 2 + 256 + 1);
    expect(hex(w.take())).toBe('01' + '0000012c' + 'aa'.repeat(300) + '0203' + '8102' + 'bb'.repeat(256) + '04');
    w.reset();
    w.int8(9);
    expect(hex(w.take())).toBe('09');
  });
  it('lets go of a buffer grown past 1 MiB on reset, and keeps one of exactly 1 MiB', () => {
    const w = new Writer();
    w.raw(new Uint8Array(1 << 20));
    w.reset();
    expect(w.buf.length).toBe(1 << 20);
    w.raw(new Uint8Array((1 << 20) + 1));
    w.reset();
    expect(w.buf.length).toBe(4096);
    w.int8(3);
    expect(hex(w.take())).toBe('03');
  });
});
