// Kafka's size framing (src/kafka/wire/frame.ts) at its edges: frames larger than the decoder's buffer, in one push
// or spread over pushes after earlier frames (the buffer replaced by a larger one holding the unread bytes), a
// header arriving byte by byte, the bound at
// limit and limit + 1, a refused size found right after a good frame, and the exact texts and codes.
import { describe, expect, it } from 'vitest';
import { createFrameDecoder, encodeFrame } from '../../../src/kafka/wire/frame.js';
import { concat } from '../../helpers.js';

const err = (code: string, message: string): unknown => expect.objectContaining({ name: 'OAuthBearerError', code, message });
const pattern = (n: number, seed: number): Uint8Array => new Uint8Array(n).map((_, i) => (i * 7 + seed) & 255);
const cat = concat;

describe('frames bigger than the buffer and spread over pushes', () => {
  it('returns a frame of 5000 bytes from one push', () => {
    const d = createFrameDecoder();
    const payload = pattern(5000, 1);
    d.push(encodeFrame(payload));
    expect(d.next()).toEqual(payload);
    expect(d.next()).toBeNull();
  });
  it('keeps the unread bytes of a frame begun after a taken one when the next push does not fit the buffer', () => {
    const d = createFrameDecoder();
    const a = pattern(600, 2);
    const b = pattern(700, 3);
    const fb = encodeFrame(b);
    d.push(cat(encodeFrame(a), fb.subarray(0, 100)));
    expect(d.next()).toEqual(a);
    expect(d.next()).toBeNull();
    expect(d.bufferedBytes).toBe(100);
    d.push(fb.subarray(100, 500)); // past the buffer's end: a new one, the 100 unread bytes first
    expect(d.bufferedBytes).toBe(500);
    d.push(fb.subarray(500));
    expect(d.next()).toEqual(b);
    expect(d.bufferedBytes).toBe(0);
  });
  it('keeps the unread bytes through buffers that grow, and takes a frame far larger than any earlier buffer', () => {
    const d = createFrameDecoder();
    const a = pattern(600, 4);
    const b = pattern(3000, 5);
    const fb = encodeFrame(b);
    d.push(cat(encodeFrame(a), fb.subarray(0, 300)));
    expect(d.next()).toEqual(a);
    d.push(fb.subarray(300, 2500)); // start > 0 and 2500 live bytes: more than the buffer holds
    d.push(fb.subarray(2500));
    expect(d.next()).toEqual(b);
    const c = pattern(9000, 6); // far beyond twice the unread bytes, in one push
    d.push(encodeFrame(c));
    expect(d.next()).toEqual(c);
  });
  it('waits for the whole frame when only part of it follows an earlier one', () => {
    const d = createFrameDecoder();
    d.push(cat(encodeFrame(new Uint8Array([0x41])), encodeFrame(pattern(10, 7)).subarray(0, 7)));
    expect(d.next()).toEqual(new Uint8Array([0x41]));
    expect(d.next()).toBeNull();
    expect(d.bufferedBytes).toBe(7);
  });
  it('does not read a size from fewer than 4 bytes left after a frame', () => {
    const d = createFrameDecoder({ maxFrameBytes: 100 });
    d.push(new Uint8Array([0, 0, 0, 1, 0x41, 0xff]));
    expect(d.next()).toEqual(new Uint8Array([0x41]));
    expect(d.next()).toBeNull();
    expect(d.bufferedBytes).toBe(1);
    d.push(new Uint8Array([0xff, 0xff]));
    expect(d.next()).toBeNull();
    expect(d.bufferedBytes).toBe(3);
  });
  it('ignores an empty push', () => {
    const d = createFrameDecoder();
    d.push(new Uint8Array([0, 0]));
    d.push(new Uint8Array(0));
    d.push(new Uint8Array([0, 1, 9]));
    expect(d.next()).toEqual(new Uint8Array([9]));
  });
});

describe('refused sizes', () => {
  it('finds a size above the bound or negative right after a good frame in the same push', () => {
    const over = createFrameDecoder({ maxFrameBytes: 8 });
    over.push(cat(encodeFrame(new Uint8Array([1])), new Uint8Array([0, 0, 0, 9])));
    expect(over.next()).toEqual(new Uint8Array([1]));
    expect(() => over.next()).toThrow(err('ERR_KAFKA_FRAME', 'Invalid receive (size = 9 larger than 8): the frame is above the bound of 8 bytes'));
    const negative = createFrameDecoder();
    negative.push(cat(encodeFrame(new Uint8Array([1])), new Uint8Array([0xff, 0xff, 0xff, 0xfe, 0])));
    expect(negative.next()).toEqual(new Uint8Array([1]));
    expect(() => negative.next()).toThrow(err('ERR_KAFKA_FRAME', 'Invalid receive (size = -2): a frame size must not be negative; the peer does not speak Kafka\'s framing'));
    expect(negative.bufferedBytes).toBe(0);
  });
  it('takes a frame of the bound and refuses the bound + 1, also after the bound is changed', () => {
    const d = createFrameDecoder({ maxFrameBytes: 5 });
    d.push(encodeFrame(pattern(5, 8)));
    expect(d.next()).toEqual(pattern(5, 8));
    d.setMaxFrameBytes(7);
    d.push(new Uint8Array([0, 0, 0, 7]));
    d.push(pattern(7, 9));
    expect(d.next()).toEqual(pattern(7, 9));
    d.setMaxFrameBytes(2147483647);
    d.push(new Uint8Array([0, 0, 0, 8]));
    d.setMaxFrameBytes(7);
    expect(() => d.next()).toThrow(err('ERR_KAFKA_FRAME', 'Invalid receive (size = 8 larger than 7): the frame is above the bound of 7 bytes'));
  });
  it('refuses a bound that is not a positive int32, and bytes that are not a Uint8Array', () => {
    for (const bad of [0, -1, 1.5, 2147483648, Number.NaN]) {
      expect(() => createFrameDecoder({ maxFrameBytes: bad })).toThrow(err('ERR_USAGE_ARGUMENT', `maxFrameBytes must be a positive int32, not ${String(bad)}`));
      expect(() => createFrameDecoder().setMaxFrameBytes(bad)).toThrow(err('ERR_USAGE_ARGUMENT', `maxFrameBytes must be a positive int32, not ${String(bad)}`));
    }
    expect(() => createFrameDecoder({ maxFrameBytes: 2147483647 })).not.toThrow();
    expect(() => createFrameDecoder().push([1, 2] as unknown as Uint8Array)).toThrow(err('ERR_USAGE_ARGUMENT', 'push: bytes must be a Uint8Array'));
  });
});
