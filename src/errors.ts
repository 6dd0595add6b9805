/**
 * The one error class of oauthbearer. Every failure, the caller's misuse or a peer's bad bytes, is an
 * {@link OAuthBearerError} with a stable machine-readable {@link ErrorCode} and, where the protocol has one, the
 * protocol's own status value verbatim (RFC 7628 §3.2.2, RFC 6750 §3.1, RFC 6749 §5.2).
 *
 * Messages say what was wrong and how to fix it; they never contain a token, secret, assertion or whole message.
 * @module
 */

/**
 * Every code an {@link OAuthBearerError} can carry. Closed and stable: `switch (err.code)` is safe.
 * `ERR_USAGE_*` codes mean the caller misused the API; all others describe bad input or a peer's answer.
 * @category Errors and ports
 */
export type ErrorCode =
  // Misuse of the API by the caller (wrong argument type, wrong state, bad option).
  | 'ERR_USAGE_ARGUMENT'
  | 'ERR_USAGE_STATE'
  // Input limits and encodings (src/encoding).
  | 'ERR_INPUT_TOO_LARGE'
  | 'ERR_BASE64'
  | 'ERR_UTF8'
  | 'ERR_JSON'
  // SASL framing (src/sasl): RFC 7628 §3.1 client response, §3.2.2 error challenge, the exchange.
  | 'ERR_GS2_HEADER'
  | 'ERR_GS2_MESSAGE'
  | 'ERR_AUTHZID'
  | 'ERR_KVPAIR'
  | 'ERR_EXTENSION_KEY'
  | 'ERR_EXTENSION_VALUE'
  | 'ERR_AUTH_MISSING'
  | 'ERR_AUTH_SCHEME'
  | 'ERR_TOKEN_SYNTAX'
  | 'ERR_CHALLENGE'
  | 'ERR_AUTHZID_MISMATCH'
  | 'ERR_EXTENSIONS_INVALID'
  | 'ERR_AUTHENTICATION_FAILED'
  | 'ERR_UNEXPECTED_MESSAGE'
  | 'ERR_VALIDATOR'
  // Kafka semantics (src/kafka).
  | 'ERR_CONFIG'
  | 'ERR_JAAS_CONFIG'
  | 'ERR_RDKAFKA_CONFIG'
  | 'ERR_UNSECURED_TOKEN'
  | 'ERR_INSUFFICIENT_SCOPE'
  | 'ERR_KAFKA_FRAME'
  | 'ERR_KAFKA_VERSION'
  | 'ERR_KAFKA_PROTOCOL'
  | 'ERR_TOKEN_PROVIDER'
  // A socket could not be opened, or its TLS handshake failed (src/node/net).
  | 'ERR_NETWORK'
  // JOSE (src/jose): RFC 7515, 7517, 7518, 7519, 8037, 8725, 8705.
  | 'ERR_JWS_FORMAT'
  | 'ERR_JWS_HEADER'
  | 'ERR_JWS_ALG'
  | 'ERR_JWS_CRIT'
  | 'ERR_JWS_SIGNATURE'
  | 'ERR_JWK'
  | 'ERR_JWKS'
  | 'ERR_JWKS_NO_KEY'
  | 'ERR_JWT_CLAIM'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_NOT_YET_VALID'
  | 'ERR_JWT_AUDIENCE'
  | 'ERR_JWT_ISSUER'
  | 'ERR_JWT_SCOPE'
  | 'ERR_CNF_MISMATCH'
  | 'ERR_DISCOVERY'
  | 'ERR_CRYPTO'
  // OAuth token retrieval (src/oauth): RFC 6749, 7523, 8705; KIP-768, KIP-1139, KIP-1258.
  | 'ERR_TOKEN_ENDPOINT'
  | 'ERR_TOKEN_RESPONSE'
  | 'ERR_HTTP'
  | 'ERR_HTTP_TIMEOUT'
  | 'ERR_URL_NOT_ALLOWED'
  | 'ERR_CLIENT_AUTH'
  | 'ERR_PRIVATE_KEY'
  | 'ERR_ASSERTION'
  | 'ERR_FILE'
  // Conformance vectors (src/vectors) and the runtimes that run them (src/node/runtimes.ts).
  | 'ERR_VECTOR_FORMAT'
  | 'ERR_RUNTIME_UNAVAILABLE';

/**
 * A protocol status, sent verbatim: RFC 6750 §3.1 (`invalid_token`, `insufficient_scope`, `invalid_request`),
 * RFC 6749 §5.2 (`invalid_client`, `invalid_grant`, …) or `invalid_response` for a malformed server answer.
 * @category Errors and ports
 */
export type ProtocolStatus =
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_response'
  | (string & {});

/**
 * Options of {@link OAuthBearerError}.
 * @category Errors and ports
 */
export interface OAuthBearerErrorOptions {
  /** The protocol's status for this failure, where the protocol has one. */
  status?: ProtocolStatus;
  /** The scope an `insufficient_scope` failure names (RFC 7628 §3.2.2). */
  scope?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The error every oauthbearer function throws.
 * @example
 * ```ts
 * try { decodeClientResponse(bytes); }
 * catch (err) {
 *   if (err instanceof OAuthBearerError && err.code === 'ERR_EXTENSION_KEY') console.log(err.status);
 * }
 * ```
 * @category Errors and ports
 */
export class OAuthBearerError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** The protocol status (RFC 6750 §3.1, RFC 6749 §5.2), where the protocol has one. */
  readonly status: ProtocolStatus | undefined;
  /** The scope named by an `insufficient_scope` failure. */
  readonly scope: string | undefined;

  constructor(code: ErrorCode, message: string, options: OAuthBearerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OAuthBearerError';
    this.code = code;
    this.status = options.status;
    this.scope = options.scope;
  }
}

/**
 * True when `value` is an {@link OAuthBearerError}, optionally with the given code.
 * @example
 * ```ts
 * if (isOAuthBearerError(error, 'ERR_JWT_EXPIRED')) refreshToken(); // narrows to OAuthBearerError
 * ```
 * @category Errors and ports
 */
export function isOAuthBearerError(value: unknown, code?: ErrorCode): value is OAuthBearerError {
  return value instanceof OAuthBearerError && (code === undefined || value.code === code);
}

const SYSTEM_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
const SYSCALL = /^[a-z][a-z0-9_]{0,31}$/;
const ADDRESS = /^[0-9A-Za-z.:%_-]{1,255}$/;

/** The parts of a foreign error a user needs and that cannot quote a request: code, syscall, address, port. */
function systemFacts(error: Error): { code?: string; syscall?: string; address?: string; hostname?: string; port?: number } {
  const e = error as { code?: unknown; syscall?: unknown; address?: unknown; hostname?: unknown; port?: unknown };
  return {
    ...(typeof e.code === 'string' && SYSTEM_CODE.test(e.code) ? { code: e.code } : {}),
    ...(typeof e.syscall === 'string' && SYSCALL.test(e.syscall) ? { syscall: e.syscall } : {}),
    ...(typeof e.address === 'string' && ADDRESS.test(e.address) ? { address: e.address } : {}),
    ...(typeof e.hostname === 'string' && ADDRESS.test(e.hostname) ? { hostname: e.hostname } : {}),
    ...(typeof e.port === 'number' && Number.isInteger(e.port) && e.port >= 0 && e.port <= 65_535 ? { port: e.port } : {}),
  };
}

/**
 * A safe description of an I/O failure: the first system or TLS error in the cause chain as Node prints one
 * (`connect ECONNREFUSED 127.0.0.1:8443`, `SELF_SIGNED_CERT_IN_CHAIN`), else the error's name. Never a message,
 * which may quote the request (a proxy echoing the body, say).
 */
export function describeIoError(error: unknown): string {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const facts = systemFacts(e);
    if (facts.code === undefined) continue;
    const where = facts.address ?? facts.hostname;
    return [facts.syscall, facts.code, where === undefined ? undefined : facts.port === undefined ? where : `${where}:${facts.port}`]
      .filter((part) => part !== undefined).join(' ');
  }
  return error instanceof Error && /^[A-Za-z]{1,64}$/.test(error.name) ? error.name : 'network error';
}

/**
 * A foreign error made safe to keep as `cause`: an `Error` with the same name whose message is
 * {@link describeIoError}'s, carrying only `code`, `syscall`, `address`, `hostname` and `port`, and the same for
 * its own causes. Text that can quote a request (messages, bodies, headers) is dropped. Our own errors pass as
 * they are (their messages are ours).
 */
export function safeCause(error: unknown, depth = 0): unknown {
  if (error === undefined || error instanceof OAuthBearerError) return error;
  if (!(error instanceof Error)) return new Error(`a thrown ${error === null ? 'null' : typeof error}`);
  const safe = new Error(describeIoError(error), depth < 8 && error.cause !== undefined ? { cause: safeCause(error.cause, depth + 1) } : undefined);
  if (/^[A-Za-z]{1,64}$/.test(error.name)) safe.name = error.name;
  Object.assign(safe, systemFacts(error));
  return safe;
}
