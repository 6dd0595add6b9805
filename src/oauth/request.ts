/**
 * Building the token request (RFC 6749 §4.4.2 client_credentials, RFC 7523 §2.1 jwt-bearer; client authentication
 * per RFC 6749 §2.3.1, RFC 7523 §2.2, RFC 8705 §2.1), byte for byte as Kafka's `HttpAccessTokenRetriever` sends
 * the KIP-768 shape. No I/O: the result is a plain request the caller hands to its HTTP port.
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import { encodeBase64 } from '../encoding/base64.js';
import { encodeForm, formEncode } from '../encoding/form.js';
import { encodeUtf8 } from '../encoding/utf8.js';
import { CLIENT_ASSERTION_TYPE_JWT_BEARER, type ClientAuth } from './client-auth.js';
import { describeUrl } from './urls.js';
import { javaTrim, javaUtf8Safe } from '../kafka/java.js';
import type { AbortSignalLike, RequestLike } from '../ports.js';

/**
 * RFC 6749 §4.4.2.
 * @category Getting tokens
 */
export const GRANT_TYPE_CLIENT_CREDENTIALS = 'client_credentials';
/**
 * RFC 7523 §2.1 (Kafka KIP-1139).
 * @category Getting tokens
 */
export const GRANT_TYPE_JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * The grants this library requests.
 * @category Getting tokens
 */
export type GrantType = typeof GRANT_TYPE_CLIENT_CREDENTIALS | typeof GRANT_TYPE_JWT_BEARER;

/**
 * Input of {@link tokenRequest}.
 * @category Getting tokens
 */
export interface TokenRequestInput {
  readonly tokenEndpoint: string;
  readonly grantType: GrantType;
  readonly clientAuth: ClientAuth;
  /** Trimmed; left out when blank (Kafka's `sasl.oauthbearer.scope`). */
  readonly scope?: string;
  /** The jwt-bearer grant's assertion (RFC 7523 §2.1); required for that grant only. */
  readonly assertion?: string;
  /** More body parameters, appended in order after the standard ones. */
  readonly params?: Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>;
}

/**
 * A token request, ready to send: header names are lower case.
 * @category Getting tokens
 */
export interface TokenRequest {
  readonly method: 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** `application/x-www-form-urlencoded`, ASCII only. */
  readonly body: string;
}

const STANDARD_PARAMS = new Set([
  'grant_type', 'assertion', 'scope', 'client_id', 'client_secret', 'client_assertion_type', 'client_assertion',
]);

function nonBlank(value: string | undefined, what: string): string {
  if (typeof value !== 'string' || javaTrim(value) === '') {
    throw new OAuthBearerError('ERR_CLIENT_AUTH', `The ${what} must be a non-blank string; set it in the client configuration`);
  }
  return javaTrim(value);
}

/**
 * `Basic` credentials as Kafka sends them (`HttpAccessTokenRetriever.formatAuthorizationHeader`): id and secret
 * trimmed, form-encoded only when `urlencode` (KIP-1025), joined by `:`, then standard padded base64 of the UTF-8
 * (KAFKA-14496). RFC 6749 §2.3.1 asks for the form-encoding; Kafka's default leaves it off.
 * @throws OAuthBearerError `ERR_CLIENT_AUTH` for a blank id or secret
 * @example
 * ```ts
 * basicAuthorization('app', 's3cret', false); // 'Basic YXBwOnMzY3JldA=='
 * ```
 * @category Getting tokens
 */
export function basicAuthorization(clientId: string, clientSecret: string, urlencode: boolean): string {
  let id = nonBlank(clientId, 'client id');
  let secret = nonBlank(clientSecret, 'client secret');
  if (urlencode) {
    id = formEncode(javaUtf8Safe(id));
    secret = formEncode(javaUtf8Safe(secret));
  }
  return `Basic ${encodeBase64(encodeUtf8(javaUtf8Safe(`${id}:${secret}`)))}`;
}

/**
 * Builds the token request. Body parameters go in the order `grant_type`, `assertion`, `scope`, `client_id`,
 * `client_secret`, `client_assertion_type`, `client_assertion`, then `params`; each value is form-encoded as Java's
 * `URLEncoder` does. Headers: `accept: application/json`, `cache-control: no-cache`, `content-type:
 * application/x-www-form-urlencoded`, `content-length`, and `authorization` for client_secret_basic.
 * @throws OAuthBearerError `ERR_CLIENT_AUTH` for a blank client id, secret or assertion (before anything is sent,
 * as Kafka refuses them), `ERR_CONFIG` for a token endpoint that is not an http(s) URL, `ERR_USAGE_ARGUMENT` for a
 * missing jwt-bearer assertion or a `params` entry that repeats a standard parameter (RFC 6749 §3.2)
 * @example
 * ```ts
 * const req = tokenRequest({ tokenEndpoint: 'https://idp.example/oauth2/token', grantType: 'client_credentials',
 *   clientAuth: clientSecretBasic('svc', secret), scope: 'kafka' });
 * const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
 * ```
 * @category Getting tokens
 */
export function tokenRequest(input: TokenRequestInput): TokenRequest {
  const url = input.tokenEndpoint;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new OAuthBearerError('ERR_CONFIG', `The token endpoint ${describeUrl(url)} is not a URL (sasl.oauthbearer.token.endpoint.url)`, { cause });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new OAuthBearerError('ERR_CONFIG', `The token endpoint must be an https or http URL, not ${parsed.protocol} (sasl.oauthbearer.token.endpoint.url)`);
  }
  const params: Array<[string, string]> = [['grant_type', input.grantType]];
  if (input.grantType === GRANT_TYPE_JWT_BEARER) {
    if (typeof input.assertion !== 'string' || javaTrim(input.assertion) === '') {
      throw new OAuthBearerError('ERR_USAGE_ARGUMENT', 'The jwt-bearer grant needs a non-blank assertion (RFC 7523 §2.1)');
    }
    params.push(['assertion', javaTrim(input.assertion)]);
  } else if (input.grantType !== GRANT_TYPE_CLIENT_CREDENTIALS) {
    throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `Unsupported grant type ${JSON.stringify(String(input.grantType))}; use client_credentials or ${GRANT_TYPE_JWT_BEARER}`);
  }
  if (input.scope !== undefined && javaTrim(input.scope) !== '') params.push(['scope', javaTrim(input.scope)]);

  const headers: Record<string, string> = {
    accept: 'application/json',
    'cache-control': 'no-cache',
    'content-type': 'application/x-www-form-urlencoded',
  };
  const auth = input.clientAuth;
  switch (auth.method) {
    case 'client_secret_basic':
      headers.authorization = basicAuthorization(auth.clientId, auth.clientSecret, auth.urlencode);
      break;
    case 'client_secret_post':
      params.push(['client_id', nonBlank(auth.clientId, 'client id')], ['client_secret', nonBlank(auth.clientSecret, 'client secret')]);
      break;
    case 'private_key_jwt':
      if (auth.clientId !== undefined && javaTrim(auth.clientId) !== '') params.push(['client_id', javaTrim(auth.clientId)]);
      params.push(['client_assertion_type', CLIENT_ASSERTION_TYPE_JWT_BEARER], ['client_assertion', nonBlank(auth.clientAssertion, 'client assertion')]);
      break;
    case 'tls_client_auth':
      params.push(['client_id', nonBlank(auth.clientId, 'client id')]);
      break;
    case 'none':
      if (auth.clientId !== undefined && javaTrim(auth.clientId) !== '') params.push(['client_id', javaTrim(auth.clientId)]);
      break;
    default:
      throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `Unknown client authentication method ${JSON.stringify(String((auth as { method: unknown }).method))}`);
  }
  const extra = input.params === undefined ? [] : Array.isArray(input.params) ? input.params : Object.entries(input.params);
  for (const [name, value] of extra as ReadonlyArray<readonly [string, string]>) {
    if (STANDARD_PARAMS.has(name)) {
      throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `The extra parameter "${name}" repeats a standard token request parameter (RFC 6749 §3.2)`);
    }
    if (typeof value !== 'string') throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `The extra parameter "${name}" must have a string value`);
    params.push([name, value]);
  }
  const body = encodeForm(params.map(([name, value]) => [javaUtf8Safe(name), javaUtf8Safe(value)] as const));
  // Kafka sets Content-Length itself (HttpAccessTokenRetriever.post); the body is ASCII, so chars = bytes.
  headers['content-length'] = String(body.length);
  return { method: 'POST', url, headers, body };
}

/**
 * A fetch `Request` for a {@link TokenRequest}. `content-length` is left to fetch, which computes the same value
 * (and browsers forbid setting it). Redirects are not followed: a redirect would send the credentials to a URL the
 * allow-list never saw (CVE-2025-27817); a 3xx answer is retried and then fails, as Kafka's other statuses are.
 * @example
 * ```ts
 * const request = tokenRequest({ tokenEndpoint, grantType: GRANT_TYPE_CLIENT_CREDENTIALS, clientAuth: clientSecretPost('app', secret) });
 * const response = await fetch(toFetchRequest(request, AbortSignal.timeout(10_000)));
 * ```
 * @category Getting tokens
 */
export function toFetchRequest(request: TokenRequest, signal?: AbortSignalLike): RequestLike {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) if (name !== 'content-length') headers.set(name, value);
  return new Request(request.url, { method: request.method, headers, body: request.body, redirect: 'manual', ...(signal === undefined ? {} : { signal }) });
}
