/**
 * The protocol's primitive types (Kafka's "Protocol Primitive Types", clients/.../common/protocol/types/Type.java,
 * ByteBufferAccessor, ByteUtils): int8/16/32/64, boolean, uuid, unsigned varint, (compact) strings, bytes and
 * array lengths, and KIP-482 tagged fields. A reader over one frame and a reusable writer, with Kafka's leniency.
 * @module
 */
import { OAuthBearerError } from '../../errors.js';
import { decodeBase64url, encodeBase64url } from '../../encoding/base64.js';
import { pooledBytes } from '../../encoding/pool.js';
import type { TaggedField } from './messages.js';

/** Kafka's ByteUtils.readUnsignedVarint reads at most 5 bytes ("Varint is too long" after that). */
const MAX_VARINT_BYTES = 5;
/** Compact strings longer than Short.MAX_VALUE are refused by Kafka's generated readers ("had invalid length"). */
const MAX_STRING_BYTES = 0x7fff;
/** A uuid is 16 bytes on the wire (Uuid.java); its text is 22 base64url characters. */
const UUID_BYTES = 16;
/** Strings up to this many bytes are decoded by a plain ASCII loop when they are ASCII (cheaper than TextDecoder). */
const SHORT_STRING_BYTES = 32;
/** Byte fields this long or longer are copied once into the output rather than twice (see Writer.take). */
const DEFER_BYTES = 256;
/** Start size of the shared writer; it grows by doubling and is reused, so steady-state encoding allocates once. */
const WRITER_START_BYTES = 4096;
/** The writer keeps at most this much between uses, so one huge message does not pin memory for good. */
const WRITER_KEEP_BYTES = 1 << 20;

const utf8Decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** Fails a decode: bad bytes from the peer. */
export function frameError(message: string): never {
  throw new OAuthBearerError('ERR_KAFKA_FRAME', message);
}

/**
 * Reads one frame. `what` and `version` name the message in errors (`SaslAuthenticateRequest v2`); the text is
 * built only when an error is raised, so a decode allocates no strings for it.
 */
export class Reader {
  readonly bytes: Uint8Array;
  pos: number;
  readonly end: number;
  what: string;
  version = -1;

  constructor(bytes: Uint8Array, what: string, pos = 0) {
    // No DataView: integers are read from the bytes directly, so a Reader costs one small object.
    this.bytes = bytes;
    this.pos = pos;
    this.end = bytes.length;
    this.what = what;
  }

  /** The message's name for an error text. */
  get name(): string {
    return this.version < 0 ? this.what : `${this.what} v${this.version}`;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number, field: string): void {
    if (n > this.end - this.pos) {
      frameError(`${this.name}: ${field} needs ${n} bytes but the frame has ${this.end - this.pos} left (truncated frame or field)`);
    }
  }

  int8(field: string): number {
    this.need(1, field);
    return (this.bytes[this.pos++]! << 24) >> 24;
  }

  /** Kafka's readByte() != 0: any non-zero byte is true. */
  bool(field: string): boolean {
    this.need(1, field);
    return this.bytes[this.pos++] !== 0;
  }

  int16(field: string): number {
    this.need(2, field);
    const b = this.bytes;
    const v = ((b[this.pos]! << 24) >> 16) | b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  int32(field: string): number {
    this.need(4, field);
    const v = this.int32At(this.pos);
    this.pos += 4;
    return v;
  }

  private int32At(at: number): number {
    const b = this.bytes;
    return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
  }

  /** An int64 as a number (exact up to 2^53). */
  int64(field: string): number {
    this.need(8, field);
    const hi = this.int32At(this.pos);
    const lo = this.int32At(this.pos + 4) >>> 0;
    this.pos += 8;
    return hi * 4294967296 + lo;
  }

  /** Kafka's readUnsignedVarint: up to 5 bytes, the value as a Java int (so it may read negative). */
  uvarint(field: string): number {
    let value = 0;
    let shift = 0;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= this.end) frameError(`${this.name}: ${field} (an unsigned varint) runs past the end of the frame`);
      const b = this.bytes[this.pos++]!;
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return value | 0;
      shift += 7;
    }
    return frameError(`${this.name}: ${field} is a varint longer than ${MAX_VARINT_BYTES} bytes`);
  }

  uuid(field: string): string {
    this.need(UUID_BYTES, field);
    const text = encodeBase64url(this.bytes.subarray(this.pos, this.pos + UUID_BYTES));
    this.pos += UUID_BYTES;
    return text;
  }

  /** A string's length: int16 (classic) or unsigned varint − 1 (compact); negative means null. */
  stringLength(flexible: boolean, field: string): number {
    if (!flexible) return this.int16(field);
    const length = this.uvarint(field) - 1;
    if (length > MAX_STRING_BYTES) frameError(`${this.name}: ${field} has length ${length}, above Kafka's limit of ${MAX_STRING_BYTES}`);
    return length;
  }

  /** A nullable string: any negative length is null (Kafka's generated readers). */
  nullableString(flexible: boolean, field: string): string | null {
    const length = this.stringLength(flexible, field);
    return length < 0 ? null : this.utf8(length, field);
  }

  /** A string Kafka declares non-nullable: a negative length is an error ("was serialized as null"). */
  string(flexible: boolean, field: string): string {
    const length = this.stringLength(flexible, field);
    if (length < 0) frameError(`${this.name}: non-nullable field ${field} was serialized as null`);
    return this.utf8(length, field);
  }

  /** Decodes as Java's new String(bytes, UTF_8): malformed sequences become U+FFFD. */
  utf8(length: number, field: string): string {
    this.need(length, field);
    const start = this.pos;
    this.pos += length;
    // ASCII fast path for short names (client ids, mechanisms, topics): no decoder call, no subarray.
    if (length <= SHORT_STRING_BYTES) {
      let text = '';
      let i = start;
      for (; i < start + length; i++) {
        const c = this.bytes[i]!;
        if (c > 0x7f) break;
        text += String.fromCharCode(c);
      }
      if (i === start + length) return text;
    }
    return utf8Decoder.decode(this.bytes.subarray(start, start + length));
  }

  /** A bytes field's length: int32 (classic) or unsigned varint − 1 (compact); negative means null. */
  bytesLength(flexible: boolean, field: string): number {
    return flexible ? this.uvarint(field) - 1 : this.int32(field);
  }

  /**
   * A non-nullable bytes field: a copy (the frame's array may be the caller's, and reused), into a pooled array
   * when small (see `pooledBytes`; read it through its own offset and length).
   */
  byteArray(flexible: boolean, field: string): Uint8Array {
    const length = this.bytesLength(flexible, field);
    if (length < 0) frameError(`${this.name}: non-nullable field ${field} was serialized as null`);
    this.need(length, field);
    const out = pooledBytes(length);
    out.set(this.bytes.subarray(this.pos, this.pos + length));
    this.pos += length;
    return out;
  }

  /**
   * An array's element count: int32 (classic) or unsigned varint − 1 (compact); negative means null. A count
   * larger than the bytes left is refused before anything is allocated, as Kafka's readers do ("Tried to allocate
   * a collection of size N, but there are only M bytes remaining").
   */
  arrayLength(flexible: boolean, field: string, nullable: boolean): number {
    const length = flexible ? this.uvarint(field) - 1 : this.int32(field);
    if (length < 0) {
      if (!nullable) frameError(`${this.name}: non-nullable field ${field} was serialized as null`);
      return -1;
    }
    if (length > this.end - this.pos) {
      frameError(`${this.name}: ${field} announces ${length} elements, but there are only ${this.end - this.pos} bytes remaining`);
    }
    return length;
  }

  /** One unknown tagged field's bytes, kept as read (Kafka's readUnknownTaggedField). */
  unknownTag(list: TaggedField[] | undefined, tag: number, size: number): TaggedField[] {
    if (size < 0) frameError(`${this.name}: tagged field ${tag} has a negative size`);
    this.need(size, `tagged field ${tag}`);
    const out = list ?? [];
    out.push({ tag, data: this.bytes.slice(this.pos, this.pos + size) });
    this.pos += size;
    return out;
  }

  /** A tagged-field section with no known tags: every field is kept as unknown. */
  taggedFields(): TaggedField[] | undefined {
    const count = this.uvarint('tagged field count');
    let list: TaggedField[] | undefined;
    // Java's `for (int i = 0; i < n; i++)`: a count that reads negative means none.
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint('tag');
      const size = this.uvarint('tagged field size');
      list = this.unknownTag(list, tag, size);
    }
    return list;
  }
}

/** A growable byte writer, reused across encodes (see {@link sharedWriter}). */
export class Writer {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  /**
   * Large byte fields are not copied into `buf`: they are kept by reference with the position they go at, and
   * copied once, straight into the output, by `take()` (so a SaslAuthenticate token is copied once per encode).
   */
  private deferred: { at: number; bytes: Uint8Array }[] = [];
  private deferredBytes = 0;

  constructor(size = WRITER_START_BYTES) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  reset(): this {
    if (this.buf.length > WRITER_KEEP_BYTES) {
      this.buf = new Uint8Array(WRITER_START_BYTES);
      this.view = new DataView(this.buf.buffer);
    }
    this.pos = 0;
    if (this.deferred.length > 0) this.deferred = [];
    this.deferredBytes = 0;
    return this;
  }

  /** Bytes written so far, deferred ones included. */
  get length(): number {
    return this.pos + this.deferredBytes;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  int8(v: number): void {
    this.ensure(1);
    this.view.setInt8(this.pos++, v);
  }

  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  int16(v: number): void {
    this.ensure(2);
    this.view.setInt16(this.pos, v);
    this.pos += 2;
  }

  int32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
  }

  int64(v: number): void {
    this.ensure(8);
    const hi = Math.floor(v / 4294967296);
    this.view.setInt32(this.pos, hi);
    this.view.setUint32(this.pos + 4, v - hi * 4294967296);
    this.pos += 8;
  }

  uvarint(v: number): void {
    this.ensure(MAX_VARINT_BYTES);
    let x = v >>> 0;
    while (x >= 0x80) {
      this.buf[this.pos++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    this.buf[this.pos++] = x;
  }

  uuid(text: string, field: string): void {
    let bytes: Uint8Array;
    try {
      bytes = decodeBase64url(text);
    } catch {
      bytes = new Uint8Array(0);
    }
    if (bytes.length !== UUID_BYTES || text.length !== 22) {
      throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `${field} must be a uuid as Kafka writes it: 22 base64url characters for 16 bytes`);
    }
    this.raw(bytes);
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A string, or null when `nullable`; classic (int16 length) or compact (varint length + 1). */
  string(v: string | null, flexible: boolean, field: string): void {
    if (v === null) {
      if (flexible) this.uvarint(0);
      else this.int16(-1);
      return;
    }
    const length = utf8Length(v);
    if (length > MAX_STRING_BYTES) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `${field} is ${length} bytes, above Kafka's limit of ${MAX_STRING_BYTES}`);
    if (flexible) this.uvarint(length + 1);
    else this.int16(length);
    this.ensure(length);
    if (length === v.length) {
      for (let i = 0; i < length; i++) this.buf[this.pos + i] = v.charCodeAt(i);
    } else {
      utf8Encoder.encodeInto(v, this.buf.subarray(this.pos, this.pos + length));
    }
    this.pos += length;
  }

  bytes(v: Uint8Array | null, flexible: boolean): void {
    if (v === null) {
      if (flexible) this.uvarint(0);
      else this.int32(-1);
      return;
    }
    if (flexible) this.uvarint(v.length + 1);
    else this.int32(v.length);
    if (v.length >= DEFER_BYTES) {
      this.deferred.push({ at: this.pos, bytes: v });
      this.deferredBytes += v.length;
    } else this.raw(v);
  }

  arrayLength(length: number | null, flexible: boolean): void {
    if (length === null) {
      if (flexible) this.uvarint(0);
      else this.int32(-1);
    } else if (flexible) this.uvarint(length + 1);
    else this.int32(length);
  }

  /** A tagged-field section of unknown fields only (known ones are written by each message). */
  taggedFields(fields: readonly TaggedField[] | undefined): void {
    if (fields === undefined || fields.length === 0) {
      this.uvarint(0);
      return;
    }
    const sorted = [...fields].sort((a, b) => a.tag - b.tag);
    this.uvarint(sorted.length);
    for (const f of sorted) {
      this.uvarint(f.tag);
      this.uvarint(f.data.length);
      this.raw(f.data);
    }
  }

  /**
   * The bytes written, copied out (deferred fields copied in place, once), into a pooled array when small (see
   * `pooledBytes`: a fresh array of a frame's size costs more than encoding it, and a broker sends several per
   * connection). Read it through its own offset and length, never `.buffer`.
   */
  take(): Uint8Array {
    const out = pooledBytes(this.pos + this.deferredBytes);
    if (this.deferred.length === 0) {
      out.set(this.buf.subarray(0, this.pos));
      return out;
    }
    let from = 0;
    let to = 0;
    for (const d of this.deferred) {
      out.set(this.buf.subarray(from, d.at), to);
      to += d.at - from;
      out.set(d.bytes, to);
      to += d.bytes.length;
      from = d.at;
    }
    out.set(this.buf.subarray(from, this.pos), to);
    return out;
  }
}

/** UTF-8 byte length of `s` (lone surrogates count 3, as TextEncoder writes U+FFFD). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}

/** The writer every encode uses; encodes are synchronous, so one suffices. */
export const sharedWriter = new Writer();
