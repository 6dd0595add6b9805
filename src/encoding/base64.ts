/**
 * base64url (RFC 4648 §5, as RFC 7515 §2 uses it) and standard base64 (RFC 4648 §4), without Buffer or atob.
 * @module
 */
import { OAuthBearerError } from '../errors.js';

const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const STD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function reverse(alphabet: string): Int8Array {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}
const URL_VALUES = reverse(URL_ALPHABET);
const STD_VALUES = reverse(STD_ALPHABET);

/** Encodes bytes as base64url without padding (RFC 7515 §2). */
export function encodeBase64url(bytes: Uint8Array): string {
  return encode(bytes, URL_ALPHABET, false);
}

/** Encodes bytes as standard base64 with padding (RFC 4648 §4), as HTTP Basic credentials use it. */
export function encodeBase64(bytes: Uint8Array): string {
  return encode(bytes, STD_ALPHABET, true);
}

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

/** How strictly {@link decodeBase64url} reads its input. */
export interface Base64DecodeOptions {
  /**
   * `refuse` (default): RFC 7515 §2, no `=` at all. `allow`: trailing `=` padding is tolerated when it is
   * correct, as Java's `Base64.getUrlDecoder()` does (Kafka's unsecured JWS parser since KAFKA-17089).
   */
  padding?: 'refuse' | 'allow';
  /**
   * When true (default), the unused low bits of the last character must be zero, so every byte string has exactly
   * one encoding. Java's decoder does not check them; pass false to match it.
   */
  canonical?: boolean;
  /** Which input this is, for the error message (`"JWS header"`). */
  what?: string;
}

/**
 * Decodes base64url (RFC 4648 §5). Throws `ERR_BASE64` for any character outside the alphabet, a length that
 * cannot be base64 (4n+1), or padding where it is refused.
 * @throws OAuthBearerError `ERR_BASE64`
 */
export function decodeBase64url(text: string, options: Base64DecodeOptions = {}): Uint8Array {
  return decode(text, URL_VALUES, options.padding ?? 'refuse', options.canonical ?? true, options.what ?? 'value');
}

/**
 * Decodes standard base64 (RFC 4648 §4) with optional padding.
 * @throws OAuthBearerError `ERR_BASE64`
 */
export function decodeBase64(text: string, options: Base64DecodeOptions = {}): Uint8Array {
  return decode(text, STD_VALUES, options.padding ?? 'allow', options.canonical ?? true, options.what ?? 'value');
}

function decode(text: string, values: Int8Array, padding: 'refuse' | 'allow', canonical: boolean, what: string): Uint8Array {
  let end = text.length;
  if (padding === 'allow' && end % 4 === 0 && end > 0) {
    if (text.charCodeAt(end - 1) === 61) end--;
    if (text.charCodeAt(end - 1) === 61) end--;
  }
  const rest = end % 4;
  if (rest === 1) {
    throw new OAuthBearerError('ERR_BASE64', `The ${what} is not base64url: its length (${end}) leaves a lone final character`);
  }
  const out = new Uint8Array(((end >>> 2) * 3) + (rest === 0 ? 0 : rest - 1));
  let o = 0;
  let i = 0;
  const value = (index: number): number => {
    const c = text.charCodeAt(index);
    const v = c < 128 ? values[c]! : -1;
    if (v < 0) {
      const hint = c === 61 ? ' (padding "=" is not allowed here)' : '';
      throw new OAuthBearerError('ERR_BASE64', `The ${what} has a character outside the base64url alphabet at offset ${index}${hint}`);
    }
    return v;
  };
  for (; i + 4 <= end; i += 4) {
    const n = (value(i) << 18) | (value(i + 1) << 12) | (value(i + 2) << 6) | value(i + 3);
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 255;
    out[o++] = n & 255;
  }
  if (rest >= 2) {
    const n = (value(i) << 18) | (value(i + 1) << 12) | (rest === 3 ? value(i + 2) << 6 : 0);
    if (canonical && (rest === 2 ? n & 0xffff : n & 0xff) !== 0) {
      throw new OAuthBearerError('ERR_BASE64', `The ${what} is not canonical base64url: its last character has unused bits set`);
    }
    out[o++] = n >>> 16;
    if (rest === 3) out[o++] = (n >>> 8) & 255;
  }
  return out;
}
