/**
 * The URL allow-list Kafka added for CVE-2025-27817 (system property
 * `org.apache.kafka.sasl.oauthbearer.allowed.urls`, `JaasOptionsUtils.throwIfURLIsNotAllowed`): a token or JWKS URL
 * is fetched only when the user listed it. Kafka 4.0+ allows nothing by default; so do we.
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import { javaTrim } from '../kafka/java.js';
import type { HttpPort } from '../ports.js';

/** The name of Kafka's JVM system property holding the allow-list, accepted here as a config key too. */
export const ALLOWED_URLS_PROPERTY = 'org.apache.kafka.sasl.oauthbearer.allowed.urls';

/**
 * Kafka's file allow-list property (`BrokerSecurityConfigs.ALLOWED_SASL_OAUTHBEARER_FILES_CONFIG`, default empty):
 * the absolute paths of the assertion, private key and template files that may be read.
 */
export const ALLOWED_FILES_PROPERTY = 'org.apache.kafka.sasl.oauthbearer.allowed.files';

/**
 * Refuses a file whose absolute path the allow-list does not name (Kafka `ConfigurationUtils.validateFile` →
 * `throwIfFileIsNotAllowed`); `'*'` allows any file. The caller resolves the path (the core has no file system).
 * @param what the setting naming the file (`sasl.oauthbearer.assertion.file`)
 * @throws OAuthBearerError `ERR_URL_NOT_ALLOWED`
 * @example
 * ```ts
 * const allowed = parseAllowedUrls('/etc/kafka/assertion.jwt');
 * checkFileAllowed('/etc/kafka/assertion.jwt', allowed, 'sasl.oauthbearer.assertion.file'); // ok
 * checkFileAllowed('/etc/passwd', allowed, 'sasl.oauthbearer.assertion.file'); // throws ERR_URL_NOT_ALLOWED
 * ```
 * @category Getting tokens
 */
export function checkFileAllowed(absolutePath: string, allowed: AllowedUrls, what: string): void {
  if (allowed === '*' || allowed.some((entry) => javaTrim(entry) === absolutePath)) return;
  throw new OAuthBearerError(
    'ERR_URL_NOT_ALLOWED',
    `The file ${JSON.stringify(absolutePath)} named by ${what} is not in the allowed files; add it to ${ALLOWED_FILES_PROPERTY} ` +
      '(the allowedFiles option), or set it to "*" to allow any file',
  );
}

/**
 * Which URLs may be fetched: a list of exact URLs, or `'*'` for any (an explicit opt-in; Kafka itself has no
 * wildcard and needs every URL listed).
 * @category Getting tokens
 */
export type AllowedUrls = readonly string[] | '*';

/**
 * Parses a Kafka-style comma-separated allow-list (`a, b`). Entries are trimmed and blanks dropped, as Kafka's
 * `split(",")` + `trim` does; a list holding only `*` means any URL.
 * @example
 * ```ts
 * parseAllowedUrls('https://idp.example/token, https://idp.example/jwks');
 * ```
 * @category Getting tokens
 */
export function parseAllowedUrls(value: string | undefined): AllowedUrls {
  if (value === undefined) return [];
  const entries = value.split(',').map(javaTrim).filter((s) => s !== '');
  return entries.includes('*') ? '*' : entries;
}

/**
 * Refuses a URL that the allow-list does not name. Matching is string equality after trimming, as Kafka's
 * `Set.contains` is, or equality of the WHATWG-serialised URLs (a fetch `Request` serialises `https://IDP` as
 * `https://idp/`): `https://idp/token` and `https://idp/token/` stay different URLs.
 * @param what which setting the URL came from (`sasl.oauthbearer.token.endpoint.url`), for the message
 * @throws OAuthBearerError `ERR_URL_NOT_ALLOWED`
 * @example
 * ```ts
 * checkUrlAllowed('https://idp.example/token', ['https://idp.example/token'], 'sasl.oauthbearer.token.endpoint.url');
 * ```
 * @category Getting tokens
 */
export function checkUrlAllowed(url: string, allowed: AllowedUrls, what = 'URL'): void {
  if (allowed === '*') return;
  const normal = normalize(url);
  if (allowed.some((entry) => javaTrim(entry) === url || (normal !== null && normalize(javaTrim(entry)) === normal))) return;
  throw new OAuthBearerError(
    'ERR_URL_NOT_ALLOWED',
    `The ${what} ${describeUrl(url)} is not in the allowed URLs; add it to ${ALLOWED_URLS_PROPERTY} ` +
      '(the allowedUrls option), or set it to "*" to allow any URL (CVE-2025-27817)',
  );
}

/** A URL for an error message, with any `user:password@` part removed (RFC 3986 §3.2.1 discourages it). */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return JSON.stringify(url);
    parsed.username = '';
    parsed.password = '';
    return JSON.stringify(parsed.href);
  } catch {
    return `(an unparsable URL of ${url.length} characters)`;
  }
}

/**
 * Wraps an HTTP port so it refuses, before sending anything, any request whose URL is not on the allow-list: one
 * guard for the token endpoint and the JWKS endpoint alike (Kafka checks both, CVE-2025-27817).
 * @throws OAuthBearerError `ERR_URL_NOT_ALLOWED` (from the returned port) for a URL not on the list
 * @example
 * ```ts
 * const http = allowListedHttp(fetchHttp, parseAllowedUrls(process.env.ALLOWED_URLS));
 * const jwks = createRemoteJwks({ url, http, clock, sleep });
 * ```
 * @category Getting tokens
 */
export function allowListedHttp(http: HttpPort, allowed: AllowedUrls): HttpPort {
  return (request) => {
    try {
      checkUrlAllowed(request.url, allowed);
    } catch (error) {
      return Promise.reject(error);
    }
    return http(request);
  };
}

function normalize(url: string): string | null {
  try {
    return new URL(url).href;
  } catch {
    return null;
  }
}
