/**
 * Authorization server metadata discovery: OpenID Connect Discovery 1.0 §4 (`/.well-known/openid-configuration`)
 * and RFC 8414 §3 (`/.well-known/oauth-authorization-server`), as a request/process pair over the caller's HTTP,
 * reading `issuer`, `jwks_uri` and `token_endpoint`, with RFC 8414 §3.3's issuer check.
 * @module
 */
import { describeIoError, OAuthBearerError, safeCause } from '../errors.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS, httpDeadline, timeoutSetting, type TimeoutPort } from '../deadline.js';
import type { AbortSignalLike, HttpPort, RequestLike, ResponseLike } from '../ports.js';
import { isJsonObject, parseJson } from '../encoding/json.js';
import { readBoundedText } from './jwks.js';

/**
 * Largest metadata document read: 256 KiB (real ones are a few KiB).
 * @category Checking tokens
 */
export const MAX_METADATA_BYTES = 256 * 1024;

/**
 * Which well-known document to ask for.
 * @category Checking tokens
 */
export type DiscoveryKind = 'openid-configuration' | 'oauth-authorization-server';

/**
 * Options of {@link discoveryRequest} and {@link processDiscoveryResponse}.
 * @category Checking tokens
 */
export interface DiscoveryOptions {
  /** Default `openid-configuration`. */
  readonly kind?: DiscoveryKind;
  /** Allow an `http:` issuer (tests, loopback); RFC 8414 §2 requires `https`. Default false. */
  readonly allowHttp?: boolean;
}

/**
 * Options of {@link discover}: the request's limits, as for the JWKS (see `src/deadline.ts`).
 * @category Checking tokens
 */
export interface DiscoverOptions extends DiscoveryOptions {
  /** Connect limit, ms; default {@link DEFAULT_CONNECT_TIMEOUT_MS}. Headers and body end connect + read after the start. */
  readonly connectTimeoutMs?: number;
  /** Read limit for the whole body once the headers arrive, ms; default {@link DEFAULT_READ_TIMEOUT_MS}. */
  readonly readTimeoutMs?: number;
  /** A signal that aborts after `ms`; default `AbortSignal.timeout`. */
  readonly timeout?: TimeoutPort;
}

/**
 * What discovery yields.
 * @category Checking tokens
 */
export interface ServerMetadata {
  /** The issuer, identical to the one asked for (RFC 8414 §3.3). */
  readonly issuer: string;
  /** The JWKS URL (RFC 8414 §2 `jwks_uri`), for `sasl.oauthbearer.jwks.endpoint.url`. */
  readonly jwksUri: string;
  /** The token endpoint, when the metadata names one (`sasl.oauthbearer.token.endpoint.url`). */
  readonly tokenEndpoint: string | null;
  /** The whole document, for other members. */
  readonly metadata: Readonly<Record<string, unknown>>;
}

function fail(message: string, cause?: unknown): never {
  throw new OAuthBearerError('ERR_DISCOVERY', message, cause === undefined ? {} : { cause });
}

function checkUrl(value: string, what: string, allowHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    return fail(`The ${what} is not a URL`, cause);
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    fail(`The ${what} must be an https URL (RFC 8414 §2); set allowHttp only for tests`);
  }
  return url;
}

/**
 * The metadata URL for an issuer. OpenID Connect Discovery §4.1 appends `/.well-known/openid-configuration` to the
 * issuer; RFC 8414 §3.1 inserts `/.well-known/oauth-authorization-server` between the host and the issuer's path.
 * @throws OAuthBearerError `ERR_DISCOVERY` for an issuer that is not an https URL, or has a query or fragment
 * @example
 * ```ts
 * metadataUrl('https://idp.example/tenant', { kind: 'oauth-authorization-server' });
 * // 'https://idp.example/.well-known/oauth-authorization-server/tenant'
 * ```
 * @category Checking tokens
 */
export function metadataUrl(issuer: string, options: DiscoveryOptions = {}): string {
  const url = checkUrl(issuer, 'issuer', options.allowHttp ?? false);
  if (url.search !== '' || url.hash !== '' || issuer.includes('?') || issuer.includes('#')) {
    fail('The issuer must not have a query or fragment (RFC 8414 §2)');
  }
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return (options.kind ?? 'openid-configuration') === 'openid-configuration'
    ? `${url.origin}${path}/.well-known/openid-configuration`
    : `${url.origin}/.well-known/oauth-authorization-server${path}`;
}

/**
 * The discovery request for an issuer: a GET of its metadata URL (see {@link metadataUrl}).
 * @throws OAuthBearerError `ERR_DISCOVERY` for a bad issuer
 * @example
 * ```ts
 * discoveryRequest('https://idp.example/realms/kafka').url;
 * // 'https://idp.example/realms/kafka/.well-known/openid-configuration'
 * ```
 * @category Checking tokens
 */
export function discoveryRequest(issuer: string, options: DiscoveryOptions = {}): RequestLike {
  return new Request(metadataUrl(issuer, options), { headers: { accept: 'application/json' } });
}

/**
 * Checks a metadata response (RFC 8414 §3.2, §3.3): HTTP 200, a JSON object, `issuer` IDENTICAL to the issuer
 * asked for (no normalisation: this stops a mix-up where one server's metadata names another's keys), and a
 * `jwks_uri` that is an https URL.
 * @throws OAuthBearerError `ERR_DISCOVERY` for any other answer, `ERR_INPUT_TOO_LARGE` past {@link MAX_METADATA_BYTES}
 * @example
 * ```ts
 * const { jwksUri } = await processDiscoveryResponse(await http(discoveryRequest(issuer)), issuer);
 * ```
 * @category Checking tokens
 */
export async function processDiscoveryResponse(response: ResponseLike, expectedIssuer: string, options: DiscoveryOptions = {}, signal?: AbortSignalLike): Promise<ServerMetadata> {
  if (response.status !== 200) {
    response.body?.cancel().catch(() => undefined);
    fail(`The metadata endpoint answered HTTP ${response.status}; expected 200 (RFC 8414 §3.2)`);
  }
  const text = await readBoundedText(response, MAX_METADATA_BYTES, 'authorization server metadata', signal);
  let metadata: unknown;
  try {
    metadata = parseJson(text, { what: 'authorization server metadata', maxLength: MAX_METADATA_BYTES });
  } catch (cause) {
    fail('The authorization server metadata is not JSON (RFC 8414 §3.2)', cause);
  }
  if (!isJsonObject(metadata)) fail('The authorization server metadata must be a JSON object (RFC 8414 §3.2)');
  if (metadata.issuer !== expectedIssuer) {
    fail('The metadata "issuer" is not identical to the issuer asked for (RFC 8414 §3.3); check the configured issuer URL, trailing slash included');
  }
  const allowHttp = options.allowHttp ?? false;
  if (typeof metadata.jwks_uri !== 'string') fail('The metadata has no "jwks_uri" string (RFC 8414 §2)');
  checkUrl(metadata.jwks_uri, 'jwks_uri', allowHttp);
  let tokenEndpoint: string | null = null;
  if (metadata.token_endpoint !== undefined) {
    if (typeof metadata.token_endpoint !== 'string') fail('The metadata "token_endpoint" must be a string (RFC 8414 §2)');
    checkUrl(metadata.token_endpoint, 'token_endpoint', allowHttp);
    tokenEndpoint = metadata.token_endpoint;
  }
  return { issuer: expectedIssuer, jwksUri: metadata.jwks_uri, tokenEndpoint, metadata };
}

/**
 * Discovery in one call: the request, through `http`, then the checks.
 * @throws OAuthBearerError `ERR_DISCOVERY`, `ERR_HTTP` when the request itself fails, `ERR_HTTP_TIMEOUT` past a limit
 * @example
 * ```ts
 * const { jwksUri } = await discover('https://idp.example', fetch);
 * ```
 * @category Checking tokens
 */
export async function discover(issuer: string, http: HttpPort, options: DiscoverOptions = {}): Promise<ServerMetadata> {
  const limits = {
    connectTimeoutMs: timeoutSetting(options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, 'connectTimeoutMs'),
    readTimeoutMs: timeoutSetting(options.readTimeoutMs, DEFAULT_READ_TIMEOUT_MS, 'readTimeoutMs'),
  };
  const deadline = httpDeadline(limits, options.timeout, 'The metadata request', 'connectTimeoutMs / readTimeoutMs');
  try {
    let response: ResponseLike;
    try {
      response = await deadline.guard(http(new Request(discoveryRequest(issuer, options), { signal: deadline.signal })));
    } catch (cause) {
      if (deadline.timedOut !== null) throw deadline.error();
      if (cause instanceof OAuthBearerError) throw cause;
      throw new OAuthBearerError('ERR_HTTP', `The metadata request failed (${describeIoError(cause)}); check the issuer URL, the TLS trust and the network`, { cause: safeCause(cause) });
    }
    deadline.bodyPhase();
    try {
      return await deadline.guard(processDiscoveryResponse(response, issuer, options, deadline.signal));
    } catch (cause) {
      if (deadline.timedOut !== null) throw deadline.error();
      throw cause;
    }
  } finally {
    deadline.dispose();
  }
}
