/**
 * Kafka's 4-byte size framing (NetworkReceive): a big-endian int32 size, then that many bytes. The same framing
 * carries SaslHandshake v0's raw SASL tokens, which have no Kafka header (SaslServerAuthenticator).
 * @module
 */
import { OAuthBearerError } from '../../errors.js';
import { SASL_SERVER_MAX_RECEIVE_SIZE } from './constants.js';

/** Options of {@link createFrameDecoder}. */
export interface FrameDecoderOptions {
  /** Largest frame accepted, in bytes (default {@link SASL_SERVER_MAX_RECEIVE_SIZE}). */
  readonly maxFrameBytes?: number;
}

/** Reassembles frames from bytes arriving in any split. */
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
 */
export function createFrameDecoder(options: FrameDecoderOptions = {}): FrameDecoder {
  void options;
  void SASL_SERVER_MAX_RECEIVE_SIZE;
  throw new OAuthBearerError('ERR_USAGE_STATE', 'createFrameDecoder: not implemented yet');
}

/**
 * Frames `payload`: its 4-byte size, then the bytes (a SaslHandshake v0 raw token, or a message already encoded).
 * @example
 * ```ts
 * send(encodeFrame(new Uint8Array(0))); // the raw empty SASL server message after a v0 handshake
 * ```
 */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setInt32(0, payload.length);
  out.set(payload, 4);
  return out;
}
