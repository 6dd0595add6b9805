/**
 * UTF-8 (RFC 3629) with the web-standard TextEncoder/TextDecoder; decoding is fatal on malformed input.
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import { pooledBytes } from './pool.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Encodes a string as UTF-8 bytes. */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * Encodes a string as UTF-8 into a pooled array (see `pooledBytes`): for short-lived bytes on a hot path, such as
 * a JWS signing input. `TextEncoder.encodeInto` a pooled view costs a fifth of `encode`, which allocates.
 */
export function encodeUtf8Pooled(text: string): Uint8Array {
  // An ASCII string is as long in bytes as in characters; anything else is re-encoded at its own length.
  const out = pooledBytes(text.length);
  const { read, written } = encoder.encodeInto(text, out);
  return read === text.length && written === text.length ? out : encoder.encode(text);
}

/**
 * Decodes UTF-8 strictly: malformed sequences are an error, never U+FFFD.
 * @throws OAuthBearerError `ERR_UTF8`
 */
export function decodeUtf8(bytes: Uint8Array, what = 'message'): string {
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new OAuthBearerError('ERR_UTF8', `The ${what} is not valid UTF-8`, { cause });
  }
}

/** True when every byte is 7-bit ASCII; such bytes decode to the same string by charCode alone. */
export function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) return false;
  return true;
}
