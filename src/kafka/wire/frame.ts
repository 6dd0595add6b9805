/**
 * Kafka's 4-byte size framing (NetworkReceive): a big-endian int32 size, then that many bytes. The same framing
 * carries SaslHandshake v0's raw SASL tokens, which have no Kafka header (SaslServerAuthenticator).
 * @module
 */
import { OAuthBearerError } from '../../errors.js';
import { pooledBytes } from '../../encoding/pool.js';
import { SASL_SERVER_MAX_RECEIVE_SIZE } from './constants.js';

const INT32_MAX = 2147483647;
const EMPTY = new Uint8Array(0);

/**
 * Options of {@link createFrameDecoder}.
 * @category Kafka wire
 */
export interface FrameDecoderOptions {
  /** Largest frame accepted, in bytes (default {@link SASL_SERVER_MAX_RECEIVE_SIZE}). */
  readonly maxFrameBytes?: number;
}

/**
 * Reassembles frames from bytes arriving in any split.
 * @category Kafka wire
 */
export interface FrameDecoder {
  /** Bytes from the peer, in any split. They are copied: the caller may reuse its array. */
  push(bytes: Uint8Array): void;
  /**
   * The next whole frame (size prefix removed), or null while one is incomplete. The frame is the decoder's to
   * hand out and never changes afterwards; it may be a view of a larger array (read it through its own offset and
   * length, never `.buffer`).
   * @throws OAuthBearerError `ERR_KAFKA_FRAME` for a negative size or one above the bound; the decoder stays failed
   */
  next(): Uint8Array | null;
  /** Changes the bound for frames not yet started (Kafka lifts it once a connection is authenticated). */
  setMaxFrameBytes(maxFrameBytes: number): void;
  /** Bytes pushed and not yet returned as frames. */
  readonly bufferedBytes: number;
}

/**
 * Creates a frame decoder. It holds no buffer while it holds no bytes (an idle connection costs none), copies what
 * is pushed once, and hands frames out as views of its buffer rather than copies: bytes it has handed out are never
 * written again (a buffer that fills up is replaced, not compacted), so a frame stays as it was.
 * @throws OAuthBearerError `ERR_USAGE_ARGUMENT` for a bound that is not a positive integer
 * @example
 * ```ts
 * const frames = createFrameDecoder();
 * frames.push(bytes);
 * for (let f = frames.next(); f !== null; f = frames.next()) handle(f);
 * ```
 * @category Kafka wire
 */
export function createFrameDecoder(options: FrameDecoderOptions = {}): FrameDecoder {
  let maxFrameBytes = checkBound(options.maxFrameBytes ?? SASL_SERVER_MAX_RECEIVE_SIZE);
  let buf: Uint8Array = EMPTY;
  let start = 0;
  let end = 0;
  let failure: OAuthBearerError | null = null;

  /** The big-endian int32 at `start` (a frame's size). */
  const head = (): number => (buf[start]! << 24) | (buf[start + 1]! << 16) | (buf[start + 2]! << 8) | buf[start + 3]!;

  // The size of the frame at `start`, checked as Kafka's NetworkReceive does; sets `failure` when it is refused.
  const checkHead = (): void => {
    if (failure !== null || end - start < 4) return;
    const size = head();
    if (size < 0) failure = new OAuthBearerError('ERR_KAFKA_FRAME', `Invalid receive (size = ${size}): a frame size must not be negative; the peer does not speak Kafka's framing`);
    else if (size > maxFrameBytes) {
      failure = new OAuthBearerError('ERR_KAFKA_FRAME', `Invalid receive (size = ${size} larger than ${maxFrameBytes}): the frame is above the bound of ${maxFrameBytes} bytes`);
    }
    if (failure !== null) {
      // Nothing more is read from a refused stream; drop what was buffered.
      buf = EMPTY;
      start = end = 0;
    }
  };

  return {
    push(bytes) {
      if (!(bytes instanceof Uint8Array)) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', 'push: bytes must be a Uint8Array');
      if (failure !== null || bytes.length === 0) return;
      if (end + bytes.length > buf.length) {
        // A new buffer holding the unread bytes first, at least twice as many as they are (a frame arriving in
        // many pieces is copied a bounded number of times per byte). The old one is not written again: frames
        // handed out from it stay as they were. Small ones come from the shared pool.
        const live = end - start;
        const next = pooledBytes(Math.max(live + bytes.length, 2 * live));
        next.set(buf.subarray(start, end));
        buf = next;
        start = 0;
        end = live;
      }
      buf.set(bytes, end);
      end += bytes.length;
      checkHead();
    },
    next() {
      if (failure !== null) throw failure;
      if (end - start < 4) return null;
      const size = head();
      if (end - start - 4 < size) return null;
      const frame = buf.subarray(start + 4, start + 4 + size);
      start += 4 + size;
      if (start === end) {
        // Empty: let the buffer go (the frames handed out keep what they need of it).
        buf = EMPTY;
        start = end = 0;
      } else {
        checkHead();
      }
      return frame;
    },
    setMaxFrameBytes(bytes) {
      maxFrameBytes = checkBound(bytes);
      checkHead();
    },
    get bufferedBytes() {
      return end - start;
    },
  };
}

function checkBound(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes <= 0 || bytes > INT32_MAX) {
    throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `maxFrameBytes must be a positive int32, not ${String(bytes)}`);
  }
  return bytes;
}

/**
 * Frames `payload`: its 4-byte size, then the bytes (a SaslHandshake v0 raw token, or a message already encoded).
 * @example
 * ```ts
 * send(encodeFrame(new Uint8Array(0))); // the raw empty SASL server message after a v0 handshake
 * ```
 * @category Kafka wire
 */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setInt32(0, payload.length);
  out.set(payload, 4);
  return out;
}
