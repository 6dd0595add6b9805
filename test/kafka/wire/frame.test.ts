// Kafka's size framing (src/kafka/wire/frame.ts): frames from bytes in any split, the receive-size bound, and a
// property that any bytes in any split give frames or an OAuthBearerError and always finish.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OAuthBearerError } from '../../../src/errors.js';
import { createFrameDecoder, encodeFrame } from '../../../src/kafka/wire/frame.js';
import { SASL_SERVER_MAX_RECEIVE_SIZE } from '../../../src/kafka/wire/constants.js';

function drain(decoder: ReturnType<typeof createFrameDecoder>): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let f = decoder.next(); f !== null; f = decoder.next()) out.push(f);
  return out;
}

describe('createFrameDecoder', () => {
  it('returns the same frames one byte at a time as all at once', () => {
    const stream = new Uint8Array([...encodeFrame(new Uint8Array([1, 2, 3])), ...encodeFrame(new Uint8Array(0)), ...encodeFrame(new Uint8Array([9]))]);
    const whole = createFrameDecoder();
    whole.push(stream);
    const bytewise = createFrameDecoder();
    const got: Uint8Array[] = [];
    for (const b of stream) {
      bytewise.push(Uint8Array.of(b));
      got.push(...drain(bytewise));
    }
    expect(got).toEqual(drain(whole));
    expect(got).toEqual([new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array([9])]);
    expect(bytewise.bufferedBytes).toBe(0);
  });
  it('bounds a frame by sasl.server.max.receive.size (524288) with NetworkReceive\'s text, and stays failed', () => {
    const d = createFrameDecoder();
    d.push(new Uint8Array([0, 8, 0, 1])); // 524289
    expect(() => d.next()).toThrow(expect.objectContaining({ code: 'ERR_KAFKA_FRAME', message: expect.stringContaining(`larger than ${SASL_SERVER_MAX_RECEIVE_SIZE}`) }));
    d.push(encodeFrame(new Uint8Array(1)));
    expect(() => d.next()).toThrow(OAuthBearerError);
    expect(d.bufferedBytes).toBe(0);
  });
  it('accepts a frame of exactly the bound, refuses a negative size, and can lift the bound', () => {
    const d = createFrameDecoder({ maxFrameBytes: 4 });
    d.push(encodeFrame(new Uint8Array(4)));
    expect(d.next()).toEqual(new Uint8Array(4));
    d.setMaxFrameBytes(10);
    d.push(encodeFrame(new Uint8Array(10)));
    expect(d.next()).toHaveLength(10);
    const n = createFrameDecoder();
    n.push(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
    expect(() => n.next()).toThrow(/must not be negative/);
    expect(() => createFrameDecoder({ maxFrameBytes: 0 })).toThrow(expect.objectContaining({ code: 'ERR_USAGE_ARGUMENT' }));
  });
  it('any bytes in any split give the frames of an unsplit push or the same OAuthBearerError, and finish (numRuns 3000)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 50 }), fc.integer({ min: 1, max: 64 }), (bytes, cuts, bound) => {
      const run = (pieces: Uint8Array[]): { frames: Uint8Array[]; error: boolean } => {
        const d = createFrameDecoder({ maxFrameBytes: bound });
        const frames: Uint8Array[] = [];
        try {
          for (const p of pieces) {
            d.push(p);
            frames.push(...drain(d));
          }
          return { frames, error: false };
        } catch (err) {
          expect(err).toBeInstanceOf(OAuthBearerError);
          return { frames, error: true };
        }
      };
      const pieces: Uint8Array[] = [];
      let at = 0;
      for (const c of cuts) {
        if (at >= bytes.length) break;
        pieces.push(bytes.subarray(at, at + c));
        at += c;
      }
      if (at < bytes.length) pieces.push(bytes.subarray(at));
      const whole = run([bytes]);
      const split = run(pieces);
      expect(split.error).toBe(whole.error);
      if (!whole.error) expect(split.frames).toEqual(whole.frames);
      for (const f of split.frames) expect(f.length).toBeLessThanOrEqual(bound);
    }), { numRuns: 3000 });
  });
});
