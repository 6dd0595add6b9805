// The wire code hands out views instead of fresh arrays (src/kafka/wire/frame.ts, bytes.ts): frames are views of
// the decoder's buffer, encodes and bytes fields come from the shared pool. What that must never change: a frame, an
// encoded message or a decoded bytes field stays as it was whatever is pushed, encoded or decoded afterwards, and
// whatever the caller does to the arrays it passed in.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createFrameDecoder, encodeFrame } from '../../../src/kafka/wire/frame.js';
import { decodeRequest, encodeRequest, encodeResponse } from '../../../src/kafka/wire/codec.js';
import { concat } from '../../helpers.js';

const pattern = (n: number, seed: number): Uint8Array => new Uint8Array(n).map((_, i) => (i * 31 + seed) & 255);
const copy = (b: Uint8Array): Uint8Array => Uint8Array.from(b);

describe('frames handed out by the decoder', () => {
  it('stay as they were through later pushes, a buffer that grows, and one emptied and filled again', () => {
    const d = createFrameDecoder();
    const a = pattern(40, 1);
    const b = pattern(3000, 2);
    const c = pattern(70, 3);
    const fb = encodeFrame(b);
    d.push(concat(encodeFrame(a), fb.subarray(0, 10)));
    const gotA = d.next()!;
    expect(d.next()).toBeNull();
    d.push(fb.subarray(10, 2000)); // more than the buffer holds: a new one
    d.push(fb.subarray(2000));
    const gotB = d.next()!;
    expect(d.bufferedBytes).toBe(0);
    d.push(concat(encodeFrame(c), encodeFrame(pattern(5, 4))));
    const gotC = d.next()!;
    d.push(pattern(100, 5)); // a partial frame after the pending one
    expect(gotA).toEqual(a);
    expect(gotB).toEqual(b);
    expect(gotC).toEqual(c);
  });
  it('do not depend on the array pushed: the caller may reuse it at once', () => {
    const d = createFrameDecoder();
    const chunk = concat(encodeFrame(pattern(20, 6)), encodeFrame(pattern(30, 7)).subarray(0, 12));
    d.push(chunk);
    chunk.fill(0xee);
    const rest = encodeFrame(pattern(30, 7)).subarray(12);
    d.push(rest);
    rest.fill(0xee);
    expect(d.next()).toEqual(pattern(20, 6));
    expect(d.next()).toEqual(pattern(30, 7));
  });
  it('any frames in any split, each array overwritten once pushed: every frame as sent, at the end (numRuns 1000)', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 900 }), { maxLength: 40 }), (payloads, cuts) => {
      const stream = concat(...payloads.map((p) => encodeFrame(p)));
      const d = createFrameDecoder();
      const got: Uint8Array[] = [];
      let at = 0;
      for (let k = 0; at < stream.length; k++) {
        const piece = Uint8Array.from(stream.subarray(at, at + (cuts[k] ?? stream.length)));
        at += piece.length;
        d.push(piece);
        piece.fill(0xa5);
        for (let f = d.next(); f !== null; f = d.next()) got.push(f);
      }
      expect(got).toEqual(payloads);
      expect(d.bufferedBytes).toBe(0);
    }), { numRuns: 1000 });
  });
});

describe('encoded messages and decoded bytes fields from the pool', () => {
  it('an encode is not changed by the encodes after it, and its size prefix is its own', () => {
    const first = encodeRequest({ apiKey: 36, apiVersion: 2, correlationId: 7, clientId: 'c', body: { authBytes: pattern(300, 8) } });
    const kept = copy(first);
    for (let i = 0; i < 50; i++) {
      encodeResponse({ apiKey: 36, apiVersion: 2, correlationId: i, body: { errorCode: 0, errorMessage: null, authBytes: pattern(200 + i, i), sessionLifetimeMs: 0 } });
    }
    expect(first).toEqual(kept);
    expect(new DataView(first.buffer, first.byteOffset, first.byteLength).getInt32(0)).toBe(first.length - 4);
  });
  it('a decoded authBytes field does not change when the caller reuses the frame it came from', () => {
    const frame = encodeRequest({ apiKey: 36, apiVersion: 2, correlationId: 1, clientId: 'c', body: { authBytes: pattern(500, 9) } }).slice(4);
    const { authBytes } = decodeRequest(frame).body as { authBytes: Uint8Array };
    frame.fill(0);
    decodeRequest(encodeRequest({ apiKey: 36, apiVersion: 2, correlationId: 2, clientId: 'c', body: { authBytes: pattern(500, 10) } }).slice(4));
    expect(authBytes).toEqual(pattern(500, 9));
  });
});
