/**
 * The text Jackson's `ObjectMapper.readTree(byte[])` reads from a JSON byte array (Kafka's OAuthBearerUnsecuredJws
 * parses token parts this way): encoding detection (ByteSourceJsonBootstrapper: UTF-8, UTF-16 or UTF-32 by BOM or
 * by zero bytes), and Jackson's UTF-8 decoding (UTF8StreamJsonParser), which checks continuation bytes but not
 * overlong forms, surrogates or the U+10FFFF limit. Internal to src/kafka.
 *
 * The result is meant for JSON.parse and keeps Jackson's verdicts: a byte Jackson refuses becomes U+0001, which no
 * JSON value may contain (but text after the first JSON value, which Jackson never reads, may); a multi-byte
 * sequence that decodes to an ASCII character is written as a `\uXXXX` escape, since Jackson takes it as a
 * plain character inside a string (even `"`, `\` or a control character) and refuses it outside one.
 * @module
 */
import { decodeUtf8, isAscii } from '../encoding/utf8.js';

const REFUSED = '\u0001';

/** The JSON text Jackson would read from `bytes`. Never throws. */
export function jacksonText(bytes: Uint8Array): string {
  const n = bytes.length;
  const b0 = bytes[0] ?? -1;
  const b1 = bytes[1] ?? -1;
  if (n >= 2 && (b0 === 0 || b1 === 0 || (b0 === 0xfe && b1 === 0xff) || (b0 === 0xff && b1 === 0xfe))) {
    return wideText(bytes);
  }
  if (isAscii(bytes)) return decodeUtf8(bytes);
  let start = 0;
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) start = 3;
  try {
    return decodeUtf8(start === 0 ? bytes : bytes.subarray(start));
  } catch {
    return lenientUtf8(bytes, start);
  }
}

/** UTF8StreamJsonParser's decoding: lead bytes by their high bits, continuation bytes checked, nothing else. */
function lenientUtf8(bytes: Uint8Array, start: number): string {
  let out = '';
  const n = bytes.length;
  for (let i = start; i < n; ) {
    const c = bytes[i]!;
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    const needed = (c & 0xe0) === 0xc0 ? 1 : (c & 0xf0) === 0xe0 ? 2 : (c & 0xf8) === 0xf0 ? 3 : -1;
    if (needed < 0) {
      out += REFUSED;
      i++;
      continue;
    }
    let code = c & (needed === 1 ? 0x1f : needed === 2 ? 0x0f : 0x07);
    let ok = true;
    for (let k = 1; k <= needed; k++) {
      const d = bytes[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) {
        ok = false;
        break;
      }
      code = (code << 6) | (d & 0x3f);
    }
    if (!ok) {
      out += REFUSED;
      i++;
      continue;
    }
    i += needed + 1;
    if (needed === 3) {
      // Jackson: c -= 0x10000, then (char)(0xD800 | c >> 10) and 0xDC00 | (c & 0x3FF), without a range check.
      const v = code - 0x10000;
      out += String.fromCharCode((0xd800 | (v >> 10)) & 0xffff, 0xdc00 | (v & 0x3ff));
    } else if (code < 0x80) {
      out += '\\u' + code.toString(16).padStart(4, '0');
    } else {
      out += String.fromCharCode(code);
    }
  }
  return out;
}

/**
 * UTF-16 or UTF-32 as ByteSourceJsonBootstrapper detects them (BOM, else the position of zero bytes in the first
 * four), read as the JDK's decoders do (malformed UTF-16 becomes U+FFFD).
 */
function wideText(bytes: Uint8Array): string {
  const quad = bytes.length >= 4 ? ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0 : -1;
  if (quad === 0x0000feff) return utf32(bytes.subarray(4), false);
  if (quad === 0xfffe0000) return utf32(bytes.subarray(4), true);
  if (quad === 0x0000fffe || quad === 0xfeff0000) return REFUSED;
  const i16 = (bytes[0]! << 8) | bytes[1]!;
  if (i16 === 0xfeff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (i16 === 0xfffe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (quad !== -1) {
    if (quad >>> 8 === 0) return utf32(bytes, false);
    if ((quad & 0x00ffffff) === 0) return utf32(bytes, true);
    if ((quad & ~0x00ff0000) === 0 || (quad & ~0x0000ff00) === 0) return REFUSED;
  }
  if ((i16 & 0xff00) === 0) return new TextDecoder('utf-16be').decode(bytes);
  if ((i16 & 0x00ff) === 0) return new TextDecoder('utf-16le').decode(bytes);
  return REFUSED;
}

/** Jackson's UTF32Reader: whole units only, code points above U+10FFFF refused. */
function utf32(bytes: Uint8Array, littleEndian: boolean): string {
  if (bytes.length % 4 !== 0) return REFUSED;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    const cp = view.getUint32(i, littleEndian);
    if (cp > 0x10ffff) return out + REFUSED;
    out += String.fromCodePoint(cp);
  }
  return out;
}

/** Jackson's StreamReadConstraints defaults (2.15+; Kafka pins 2.16): nesting depth and digits in one number. */
export const JACKSON_MAX_NESTING_DEPTH = 1000;
export const JACKSON_MAX_NUMBER_LENGTH = 1000;

/**
 * Which of Jackson's read limits the first JSON value in `text` breaks, or null: more than 1000 levels of nesting,
 * or a number with more than 1000 digits (integer, fraction and exponent digits together). JSON.parse accepts
 * both; Kafka's readTree refuses them. Only the first value counts: Jackson never reads the text after it.
 */
export function jacksonLimitExceeded(text: string): 'nesting' | 'number' | null {
  // Neither limit can be reached in fewer characters.
  if (text.length <= JACKSON_MAX_NUMBER_LENGTH) return null;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      if (depth === 0) return null;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > JACKSON_MAX_NESTING_DEPTH) return 'nesting';
    } else if (c === 0x7d || c === 0x5d) {
      if (--depth <= 0) return null;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let digits = 0;
      for (; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d >= 0x30 && d <= 0x39) digits++;
        else if (d !== 0x2d && d !== 0x2b && d !== 0x2e && d !== 0x65 && d !== 0x45) break;
      }
      if (digits > JACKSON_MAX_NUMBER_LENGTH) return 'number';
      if (depth === 0) return null;
      i--;
    }
  }
  return null;
}
