/**
 * Reading vector inputs: byte strings (a JSON string for its UTF-8 bytes, or `{ "base64": "..." }`), and typed
 * fields with errors that name the field.
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import { decodeBase64 } from '../encoding/base64.js';
import { encodeUtf8 } from '../encoding/utf8.js';
import { isJsonObject } from '../encoding/json.js';
import type { VectorInput } from './types.js';

/** Fails a vector whose input does not have the shape FORMAT.md gives its op. */
export function vectorFormatError(message: string): never {
  throw new OAuthBearerError('ERR_VECTOR_FORMAT', message);
}

/** A FORMAT.md byte string as bytes. */
export function vectorBytes(value: unknown, field: string): Uint8Array {
  if (typeof value === 'string') return encodeUtf8(value);
  if (isJsonObject(value) && typeof value.base64 === 'string') return decodeBase64(value.base64, { canonical: false, what: field });
  throw new OAuthBearerError('ERR_VECTOR_FORMAT', `Vector input "${field}" must be a string or {"base64": "..."}`);
}

/** A required string field. */
export function vectorString(input: VectorInput, field: string): string {
  const value = input[field];
  if (typeof value !== 'string') throw new OAuthBearerError('ERR_VECTOR_FORMAT', `Vector input "${field}" must be a string`);
  return value;
}

/** An optional string field (absent or null → undefined). */
export function vectorOptionalString(input: VectorInput, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new OAuthBearerError('ERR_VECTOR_FORMAT', `Vector input "${field}" must be a string`);
  return value;
}

/** A required number field. */
export function vectorNumber(input: VectorInput, field: string): number {
  const value = input[field];
  if (typeof value !== 'number') throw new OAuthBearerError('ERR_VECTOR_FORMAT', `Vector input "${field}" must be a number`);
  return value;
}

/** A string-valued map field (`options`, `extensions`), in its JSON order; absent → empty. */
export function vectorStringMap(input: VectorInput, field: string): Map<string, string> {
  const value = input[field];
  const out = new Map<string, string>();
  if (value === undefined || value === null) return out;
  if (!isJsonObject(value)) throw new OAuthBearerError('ERR_VECTOR_FORMAT', `Vector input "${field}" must be an object`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new OAuthBearerError('ERR_VECTOR_FORMAT', `Vector input "${field}.${k}" must be a string`);
    out.set(k, v);
  }
  return out;
}
