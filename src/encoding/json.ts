/**
 * Bounded JSON (RFC 8259) parsing, with the one leniency Kafka's Jackson-based readers have: text after the first
 * complete value can be ignored (Jackson's `readTree` stops there; kafka-observed.md).
 * @module
 */
import { OAuthBearerError } from '../errors.js';

/** Options of {@link parseJson}. */
export interface ParseJsonOptions {
  /** Which input this is, for the error message. */
  what?: string;
  /** Largest accepted input, in UTF-16 code units. */
  maxLength?: number;
  /** `refuse` (default): RFC 8259 exactly. `ignore`: text after the first complete value is ignored, as Jackson's readTree does. */
  trailing?: 'refuse' | 'ignore';
}

/** Default bound on a JSON text: 1 MiB, far above any token, JWKS or token response we read. */
export const MAX_JSON_LENGTH = 1 << 20;

/**
 * Parses JSON text. Duplicate member names resolve last-wins (as JSON.parse and Jackson both do).
 * @throws OAuthBearerError `ERR_JSON` for malformed text, `ERR_INPUT_TOO_LARGE` past `maxLength`
 */
export function parseJson(text: string, options: ParseJsonOptions = {}): unknown {
  const what = options.what ?? 'JSON text';
  const max = options.maxLength ?? MAX_JSON_LENGTH;
  if (text.length > max) {
    throw new OAuthBearerError('ERR_INPUT_TOO_LARGE', `The ${what} is ${text.length} characters; the limit is ${max}`);
  }
  const source = options.trailing === 'ignore' ? text.slice(0, firstValueEnd(text)) : text;
  try {
    return JSON.parse(source);
  } catch (cause) {
    throw new OAuthBearerError('ERR_JSON', `The ${what} is not valid JSON`, { cause });
  }
}

/** Parses JSON that must be an object (not an array, string, number or null). */
export function parseJsonObject(text: string, options: ParseJsonOptions = {}): Record<string, unknown> {
  const value = parseJson(text, options);
  if (!isJsonObject(value)) {
    throw new OAuthBearerError('ERR_JSON', `The ${options.what ?? 'JSON text'} must be a JSON object`);
  }
  return value;
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const WS = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Index just past the first JSON value in `text` (its structure is checked later by JSON.parse). */
function firstValueEnd(text: string): number {
  let i = 0;
  while (i < text.length && WS(text.charCodeAt(i))) i++;
  const first = text.charCodeAt(i);
  if (first !== 0x7b && first !== 0x5b && first !== 0x22) {
    // A scalar: runs to the next structural character or white space.
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (WS(c) || c === 0x2c || c === 0x5d || c === 0x7d || c === 0x7b || c === 0x5b || c === 0x22) break;
      i++;
    }
    return i;
  }
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
      if (depth === 0) return i + 1;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}
