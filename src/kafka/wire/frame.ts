/**
 * Kafka's 4-byte size framing (NetworkReceive): a big-endian int32 size, then that many bytes. The same framing
 * carries SaslHandshake v0's raw SASL tokens, which have no Kafka header (SaslServerAuthenticator).
 * @module
 */
import { OAuthBearerError } from '../../errors.js';
import { SASL_SERVER_MAX_RECEIVE_SIZE } from './constants.js';

/** First buffer size; it doubles as a frame needs. */
const INITIAL_BUFFER_BYTES = 1024;
/** A buffer grown past this is let go once empty, so one large frame does not pin memory. */
const KEEP_BUFFER_BYTES = 64 * 1024;
const INT32_MAX = 2147483647;

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
  /** Bytes from the peer, in any split. */
  push(bytes: Uint8Array): void;
  /**
   * The next whole frame (size prefix removed), or null while one is incomplete.
   * @throws OAuthBearerError `ERR_KAFKA_FRAME` for a negative size or one above the bound; the decoder stays failed
   */
  next(): Uint8Array | null;
  /** Changes the bound for frames not yet started (Kafka lifts it once a connection is authenticated). */
  setMaxFrameBytes(maxFrameBytes: number): void;
  /** Bytes pushed and not yet returned as frames. */
  readonly bufferedBytes: number;
}

/**
 * Creates a frame decoder.
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
  let buf = new Uint8Array(INITIAL_BUFFER_BYTES);
  let view = new DataView(buf.buffer);
  let start = 0;
  let end = 0;
  let failure: OAuthBearerError | null = null;

  // The size of the frame at `start`, checked as Kafka's NetworkReceive does; sets `failure` when it is refused.
  const checkHead = (): void => {
    if (failure !== null || end - start < 4) return;
    const size = view.getInt32(start);
    if (size < 0) failure = new OAuthBearerError('ERR_KAFKA_FRAME', `Invalid receive (size = ${size}): a frame size must not be negative; the peer does not speak Kafka's framing`);
    else if (size > maxFrameBytes) {
      failure = new OAuthBearerError('ERR_KAFKA_FRAME', `Invalid receive (size = ${size} larger than ${maxFrameBytes}): the frame is above the bound of ${maxFrameBytes} bytes`);
    }
    if (failure !== null) {
      // Nothing more is read from a refused stream; drop what was buffered.
      start = end = 0;
    }
  };

  return {
    push(bytes) {
      if (!(bytes instanceof Uint8Array)) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', 'push: bytes must be a Uint8Array');
      if (failure !== null || bytes.length === 0) return;
      if (end + bytes.length > buf.length) {
        const live = end - start;
        if (live + bytes.length <= buf.length && start > 0) {
          buf.copyWithin(0, start, end);
        } else {
          let size = buf.length;
          while (size < live + bytes.length) size *= 2;
          const next = new Uint8Array(size);
          next.set(buf.subarray(start, end));
          buf = next;
          view = new DataView(buf.buffer);
        }
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
      const size = view.getInt32(start);
      if (end - start - 4 < size) return null;
      const frame = buf.slice(start + 4, start + 4 + size);
      start += 4 + size;
      if (start === end) {
        start = end = 0;
        // Let a buffer grown for one large frame go.
        if (buf.length > KEEP_BUFFER_BYTES) {
          buf = new Uint8Array(INITIAL_BUFFER_BYTES);
          view = new DataView(buf.buffer);
        }
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
