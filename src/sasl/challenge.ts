/**
 * The OAUTHBEARER server's error challenge (RFC 7628 §3.2.2): a JSON object with `status` (an RFC 6750 §3.1 error
 * code), optional `scope` and optional `openid-configuration`, sent when the token is refused; the client answers
 * with a lone `%x01` (§3.2.3).
 * @module
 */
import { OAuthBearerError, type ErrorCode, type ProtocolStatus } from '../errors.js';
import { decodeUtf8, encodeUtf8 } from '../encoding/utf8.js';
import { checkBytes, tooLarge } from './gs2.js';

/**
 * Largest error challenge decoded: 65536 bytes. The object holds three short strings (a status, a scope list, a
 * URL); anything near this bound is not an error challenge, and the bound keeps JSON parsing cheap.
 * @category Framing (SASL)
 */
export const MAX_CHALLENGE_BYTES = 65_536;

/**
 * The fields of an error challenge.
 * @category Framing (SASL)
 */
export interface ErrorChallenge {
  /** RFC 6750 §3.1 error code: `invalid_token`, `insufficient_scope`, `invalid_request`. */
  readonly status: string;
  /** The scope the client should request, or null. Kafka sends a Java list, `[a, b]`. */
  readonly scope: string | null;
  /** URL of the OpenID discovery document (RFC 7628 §3.2.2), or null. */
  readonly openidConfiguration: string | null;
}

/**
 * What {@link encodeErrorChallenge} writes.
 * @category Framing (SASL)
 */
export interface ErrorChallengeFields {
  readonly status: string;
  readonly scope?: string | null;
  readonly openidConfiguration?: string | null;
}

/**
 * Options of {@link encodeErrorChallenge}.
 * @category Framing (SASL)
 */
export interface EncodeErrorChallengeOptions {
  /**
   * `compact` (default): `{"status":"…","scope":"…"}`. `kafka`: the bytes Kafka's broker sends
   * (`OAuthBearerSaslServer.jsonErrorResponse`), a space after each comma between members, but with values
   * JSON-escaped where Kafka writes them raw (so we never send broken JSON).
   */
  readonly style?: 'compact' | 'kafka';
}

/**
 * Encodes an error challenge, keys in the order `status`, `scope`, `openid-configuration`.
 * @throws OAuthBearerError `ERR_USAGE_ARGUMENT` when `status` is not a non-empty string (Kafka's
 *   `OAuthBearerValidatorCallback.error` refuses an empty status) or `scope`/`openidConfiguration` is not a string
 * @example
 * ```ts
 * encodeErrorChallenge({ status: 'insufficient_scope', scope: '[read, admin]' }, { style: 'kafka' });
 * // {"status":"insufficient_scope", "scope":"[read, admin]"}
 * ```
 * @category Framing (SASL)
 */
export function encodeErrorChallenge(fields: ErrorChallengeFields, options: EncodeErrorChallengeOptions = {}): Uint8Array {
  return encodeUtf8(errorChallengeText(fields, options));
}

/**
 * {@link encodeErrorChallenge} as text: Kafka reports this string as the failure's error message.
 * @example
 * ```ts
 * errorChallengeText({ status: 'invalid_token', scope: 'kafka' }); // '{"status":"invalid_token","scope":"kafka"}'
 * ```
 * @category Framing (SASL)
 */
export function errorChallengeText(fields: ErrorChallengeFields, options: EncodeErrorChallengeOptions = {}): string {
  const { status, scope, openidConfiguration } = fields;
  if (typeof status !== 'string' || status.length === 0) {
    throw badField('ERR_USAGE_ARGUMENT', 'status', 'a non-empty string');
  }
  for (const [name, value] of [['scope', scope], ['openidConfiguration', openidConfiguration]] as const) {
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw badField('ERR_USAGE_ARGUMENT', name, 'a string');
    }
  }
  const separator = options.style === 'kafka' ? ', ' : ',';
  let out = `{"status":${JSON.stringify(status)}`;
  if (typeof scope === 'string') out += `${separator}"scope":${JSON.stringify(scope)}`;
  if (typeof openidConfiguration === 'string') out += `${separator}"openid-configuration":${JSON.stringify(openidConfiguration)}`;
  return `${out}}`;
}

/**
 * Decodes an error challenge strictly: UTF-8 JSON (RFC 8259, nothing after the object) holding a non-empty string
 * `status`, and `scope` and `openid-configuration` either absent or strings. Other members are ignored (RFC 7628
 * §4.4 shows a server adding `schemes`).
 * @throws OAuthBearerError `ERR_CHALLENGE` (status `invalid_response`) for anything else, `ERR_INPUT_TOO_LARGE`
 *   past {@link MAX_CHALLENGE_BYTES} (or `maxBytes`)
 * @example
 * ```ts
 * const { status, scope } = decodeErrorChallenge(serverBytes);
 * ```
 * @category Framing (SASL)
 */
export function decodeErrorChallenge(bytes: Uint8Array, options: { maxBytes?: number } = {}): ErrorChallenge {
  checkBytes(bytes, 'decodeErrorChallenge');
  const max = options.maxBytes ?? MAX_CHALLENGE_BYTES;
  if (bytes.length > max) throw tooLarge('error challenge', bytes.length, max, 'maxBytes', 'invalid_response');
  // The text is at most as long as the bytes, so the byte bound above bounds JSON.parse too.
  let object: unknown;
  let cause: unknown;
  try {
    object = JSON.parse(decodeUtf8(bytes, 'error challenge'));
  } catch (error) {
    cause = error;
  }
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    throw new OAuthBearerError('ERR_CHALLENGE', `The error challenge (${bytes.length} bytes) is not a UTF-8 JSON object`, {
      status: 'invalid_response',
      cause,
    });
  }
  const status = (object as { status?: unknown }).status;
  if (typeof status !== 'string' || status.length === 0) throw badField('ERR_CHALLENGE', 'status', 'a non-empty string', 'invalid_response');
  return { status, scope: optionalMember(object, 'scope'), openidConfiguration: optionalMember(object, 'openid-configuration') };
}

function optionalMember(object: object, name: string): string | null {
  if (!Object.hasOwn(object, name)) return null;
  const value = (object as Record<string, unknown>)[name];
  if (typeof value !== 'string') throw badField('ERR_CHALLENGE', name, 'a string or absent', 'invalid_response');
  return value;
}

/** A field of an error challenge is wrong: the caller's (encode) or the server's (decode, with a status). */
function badField(code: ErrorCode, name: string, rule: string, status?: ProtocolStatus): OAuthBearerError {
  return new OAuthBearerError(code, `The error challenge's "${name}" must be ${rule}`, { status });
}
