/**
 * application/x-www-form-urlencoded (WHATWG URL §5, RFC 6749 Appendix B) and Java's `URLEncoder` form, which
 * Kafka uses for token requests (space as `+`; `*`, `-`, `.`, `_` kept; everything else percent-encoded).
 * @module
 */
import { encodeUtf8 } from './utf8.js';

const HEX = '0123456789ABCDEF';

/**
 * Encodes a string as Java's `URLEncoder.encode(s, UTF_8)` does: letters, digits, `*-._` kept, space → `+`,
 * every other UTF-8 byte → `%XX` (upper-case). This equals the WHATWG form-urlencoded serializer.
 */
export function formEncode(text: string): string {
  let out = '';
  for (const byte of encodeUtf8(text)) {
    if (
      (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) ||
      byte === 0x2a || byte === 0x2d || byte === 0x2e || byte === 0x5f
    ) out += String.fromCharCode(byte);
    else if (byte === 0x20) out += '+';
    else out += '%' + HEX[byte >>> 4]! + HEX[byte & 15]!;
  }
  return out;
}

/** Serializes ordered parameters as `application/x-www-form-urlencoded`. */
export function encodeForm(params: ReadonlyArray<readonly [string, string]>): string {
  return params.map(([name, value]) => `${formEncode(name)}=${formEncode(value)}`).join('&');
}
