/**
 * Processing the token endpoint's answer (RFC 6749 §5.1 success, §5.2 error) with Kafka's rules
 * (`HttpAccessTokenRetriever.handleOutput` / `parseAccessToken`, 4.1+ `JwtResponseParser`): only 200 and 201
 * succeed, the access token is trimmed and must be a non-blank string, `id_token` is the fallback, text after the
 * JSON is ignored and duplicate keys resolve last-wins (Jackson's defaults).
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import { isJsonObject, parseJson } from '../encoding/json.js';
import { javaTrim } from '../kafka/java.js';
import { redactSecrets } from './redact.js';
import { jacksonLimitExceeded, JACKSON_MAX_NESTING_DEPTH, JACKSON_MAX_NUMBER_LENGTH } from '../kafka/jackson.js';
import type { AbortSignalLike, ResponseLike } from '../ports.js';
import { readBodyWithin } from '../deadline.js';

/**
 * Largest token endpoint response read: 1 MiB. Access tokens are kilobytes; anything near this is a misbehaving
 * server, and reading it whole would let one exhaust memory.
 * @category Getting tokens
 */
export const MAX_TOKEN_RESPONSE_BYTES = 1 << 20;

/** RFC 6749 §5.2 error codes: the only `error` values reported as the error's `status`. */
export const TOKEN_ERROR_CODES: ReadonlySet<string> = new Set([
  'invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope',
]);

/**
 * Statuses Kafka does not retry (`HttpAccessTokenRetriever.UNRETRYABLE_HTTP_CODES`); every other failure status
 * and every I/O failure is retried within the backoff budget.
 * @category Getting tokens
 */
export const UNRETRYABLE_STATUSES: ReadonlySet<number> = new Set([
  400, 401, 402, 403, 404, 405, 406, 407, 409, 410, 411, 412, 413, 414, 415, 501, 505,
]);

/**
 * A token endpoint's answer, as read by the HTTP driver.
 * @category Getting tokens
 */
export interface TokenResponseInput {
  readonly status: number;
  /** The body, as text or UTF-8 bytes. */
  readonly body: string | Uint8Array;
}

/**
 * A successful token response.
 * @example
 * ```ts
 * const { accessToken, expiresAtMs, scope } = processTokenResponse({ status: 200, body }, { nowMs: Date.now() });
 * ```
 * @category Getting tokens
 */
export interface TokenResponse {
  /** The access token, trimmed (or the `id_token` when there is no usable access token, as Kafka 4.1+ does). */
  readonly accessToken: string;
  /** `token_type` as sent, or null. Kafka ignores it; so does the SASL exchange. */
  readonly tokenType: string | null;
  /** `nowMs + expires_in × 1000` when `expires_in` is a non-negative number (or digit string), else null. */
  readonly expiresAtMs: number | null;
  /** `scope` as sent (RFC 6749 §5.1: space-separated), or null. */
  readonly scope: string | null;
}

/** A short, safe description of an RFC 6749 §5.2 error body: the code and up to 200 characters of description. */
/**
 * Longest `error_description` quoted in an error message, in characters.
 * @category Getting tokens
 */
export const MAX_ERROR_DESCRIPTION_LENGTH = 200;

function describeErrorBody(body: Record<string, unknown>, secrets: readonly string[]): string {
  const code = typeof body.error === 'string' ? body.error : typeof body.errorCode === 'string' ? body.errorCode : undefined;
  if (code === undefined) return '';
  const raw = typeof body.error_description === 'string' ? body.error_description
    : typeof body.errorSummary === 'string' ? body.errorSummary : '';
  // Secrets out first, then printable ASCII only (RFC 6749 §5.2 limits error_description to it), then cut: cutting
  // first would leave a secret's prefix that no later redaction recognises.
  const description = redactSecrets(raw, secrets).replace(/[^\x20-\x7e]/g, '?').slice(0, MAX_ERROR_DESCRIPTION_LENGTH);
  return ` with error "${redactSecrets(code, secrets).replace(/[^\x20-\x7e]/g, '?').slice(0, 64)}"${description === '' ? '' : ` (${description})`}`;
}

function bodyText(body: string | Uint8Array): string {
  if (typeof body === 'string') {
    if (body.length > MAX_TOKEN_RESPONSE_BYTES) throw tooLarge(body.length);
    return body;
  }
  if (body.byteLength > MAX_TOKEN_RESPONSE_BYTES) throw tooLarge(body.byteLength);
  // Kafka reads the body with ByteArrayOutputStream.toString(UTF_8), which replaces malformed bytes with U+FFFD.
  return lenientUtf8.decode(body);
}

const lenientUtf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** The error for a body over {@link MAX_TOKEN_RESPONSE_BYTES}. */
export function tooLarge(size: number | null): OAuthBearerError {
  return new OAuthBearerError(
    'ERR_TOKEN_RESPONSE',
    `The token endpoint response body is larger than ${MAX_TOKEN_RESPONSE_BYTES} bytes` +
      `${size === null ? '' : ` (${size})`}; check sasl.oauthbearer.token.endpoint.url points at a token endpoint`,
    { status: 'invalid_response' },
  );
}


function firstToken(json: Record<string, unknown>): string | undefined {
  for (const name of ['access_token', 'id_token']) {
    const value = json[name];
    if (typeof value === 'string' && javaTrim(value) !== '') return javaTrim(value);
  }
  return undefined;
}

/**
 * Latest `expiresAtMs` reported: 8.64e15, the last instant an ECMAScript `Date` holds (ECMA-262 §21.4.1.1, ±10^8
 * days from the epoch). An `expires_in` past it (`1e308` gave `Infinity`) is not a time, and is reported as
 * unknown (`null`), as a negative or non-numeric one is; Kafka ignores `expires_in` anyway (the token's own `exp`
 * sets its lifetime).
 * @category Getting tokens
 */
export const MAX_EXPIRES_AT_MS = 8.64e15;

function expiresAt(value: unknown, nowMs: number): number | null {
  let seconds: number;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string' && /^[0-9]{1,15}$/.test(value)) seconds = Number(value);
  else return null;
  if (!Number.isFinite(seconds) || seconds < 0) return null;
  const at = nowMs + Math.floor(seconds * 1000);
  return Number.isSafeInteger(at) && at <= MAX_EXPIRES_AT_MS ? at : null;
}

/**
 * Options of {@link processTokenResponse}.
 * @category Getting tokens
 */
export interface ProcessTokenResponseOptions {
  readonly nowMs: number;
  /**
   * Secrets the request carried, in every form ({@link secretForms}): redacted from the server's `error` and
   * `error_description` before they are cut to {@link MAX_ERROR_DESCRIPTION_LENGTH} and quoted.
   */
  readonly secrets?: readonly string[];
}

/**
 * Checks a token endpoint's answer and extracts the token.
 * @throws OAuthBearerError `ERR_TOKEN_ENDPOINT` for a status other than 200/201, with `status` = the server's
 * RFC 6749 §5.2 `error` when a 400 or 401 carries one in a JSON body; `ERR_TOKEN_RESPONSE` with status
 * `invalid_response` for an empty, oversized, non-JSON or token-less success body
 * @example
 * ```ts
 * const res = await fetch(toFetchRequest(req));
 * const token = processTokenResponse({ status: res.status, body: await res.text() }, { nowMs: Date.now() });
 * ```
 * @category Getting tokens
 */
export function processTokenResponse(response: TokenResponseInput, options: ProcessTokenResponseOptions): TokenResponse {
  const { status } = response;
  const text = bodyText(response.body);
  if (status !== 200 && status !== 201) {
    let json: unknown;
    try {
      json = parseJson(text, { what: 'token endpoint error response', trailing: 'ignore' });
    } catch {
      json = undefined;
    }
    const details = isJsonObject(json) ? describeErrorBody(json, options.secrets ?? []) : '';
    const code = isJsonObject(json) && typeof json.error === 'string' ? json.error : undefined;
    const rfcStatus = (status === 400 || status === 401) && code !== undefined && TOKEN_ERROR_CODES.has(code) ? code : undefined;
    throw new OAuthBearerError(
      'ERR_TOKEN_ENDPOINT',
      `The token endpoint answered HTTP ${status}${details}; only 200 and 201 carry a token` +
        (rfcStatus === 'invalid_client' ? '; check the client id and credentials' : ''),
      rfcStatus === undefined ? {} : { status: rfcStatus },
    );
  }
  if (text.trim() === '') {
    throw new OAuthBearerError('ERR_TOKEN_RESPONSE', `The token endpoint response was empty despite HTTP ${status}`, { status: 'invalid_response' });
  }
  const over = jacksonLimitExceeded(text);
  if (over !== null) {
    // Kafka's Jackson (2.16) refuses these with an IOException before looking for the token.
    const what = over === 'nesting' ? `nests JSON deeper than ${JACKSON_MAX_NESTING_DEPTH} levels` : `has a number longer than ${JACKSON_MAX_NUMBER_LENGTH} digits`;
    throw new OAuthBearerError('ERR_TOKEN_RESPONSE', `The token endpoint response ${what}`, { status: 'invalid_response' });
  }
  let json: unknown;
  try {
    json = parseJson(text, { what: 'token endpoint response', trailing: 'ignore', maxLength: MAX_TOKEN_RESPONSE_BYTES });
  } catch (cause) {
    throw new OAuthBearerError('ERR_TOKEN_RESPONSE', `The token endpoint response (${text.length} characters) is not JSON (RFC 6749 §5.1)`, { status: 'invalid_response', cause });
  }
  const token = isJsonObject(json) ? firstToken(json) : undefined;
  if (!isJsonObject(json) || token === undefined) {
    throw new OAuthBearerError(
      'ERR_TOKEN_RESPONSE',
      'The token endpoint response has no non-blank string "access_token" (or "id_token") member (RFC 6749 §5.1)',
      { status: 'invalid_response' },
    );
  }
  return {
    accessToken: token,
    tokenType: typeof json.token_type === 'string' ? json.token_type : null,
    expiresAtMs: expiresAt(json.expires_in, options.nowMs),
    scope: typeof json.scope === 'string' ? json.scope : null,
  };
}

/**
 * Reads a response body, stopping after `limit` bytes so an oversized answer costs no more than that. When
 * `signal` aborts, the read stops at once (a stalled body cannot hold the caller).
 * @throws OAuthBearerError `ERR_TOKEN_RESPONSE` (status `invalid_response`) past the limit; `ERR_HTTP` when the
 * signal aborts or the stream fails
 * @example
 * ```ts
 * const body = await readBoundedBody(await fetch(toFetchRequest(request))); // at most MAX_TOKEN_RESPONSE_BYTES, else ERR_TOKEN_RESPONSE
 * ```
 * @category Getting tokens
 */
export async function readBoundedBody(response: ResponseLike, limit = MAX_TOKEN_RESPONSE_BYTES, signal?: AbortSignalLike): Promise<Uint8Array> {
  return readBodyWithin(response, limit, 'token endpoint response', tooLarge, signal);
}
