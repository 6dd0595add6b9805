/**
 * The token shape every path produces (Kafka's `OAuthBearerToken`: value, principalName, scope, lifetimeMs,
 * startTimeMs), and the validator ports the SASL server asks.
 * @module
 */

/**
 * A bearer token with the facts Kafka keeps of it.
 * @example
 * ```ts
 * const token: BearerToken = { value, principal: 'alice', scope: ['read'], lifetimeMs: Date.now() + 60_000, startTimeMs: null };
 * ```
 * @category Checking tokens
 */
export interface BearerToken {
  /** The compact token as sent in `auth=Bearer <value>`. */
  readonly value: string;
  /** The principal name (Kafka's `principalName()`), from the configured subject claim. */
  readonly principal: string;
  /** The scope, a set: unique items in the order first seen. */
  readonly scope: readonly string[];
  /** The token's expiry as milliseconds since the epoch (Kafka's `lifetimeMs()`), not a duration. */
  readonly lifetimeMs: number;
  /** The token's issue time in milliseconds since the epoch, or null when it has none. */
  readonly startTimeMs: number | null;
}

/**
 * What a validator knows of the connection and the time.
 * @example
 * ```ts
 * const token = await validator(value, { nowMs: Date.now() });
 * ```
 * @category Checking tokens
 */
export interface ValidationContext {
  /** Now, in milliseconds since the epoch. */
  readonly nowMs: number;
  /**
   * base64url SHA-256 of the client certificate's DER on this connection (RFC 8705 §3.1), or null when the
   * connection presented no certificate. Undefined when the transport does not say: then a certificate-bound
   * token is refused (fail closed), unless the validator was made with `certificateBinding: 'ignore'`.
   */
  readonly certificateThumbprint?: string | null;
}

/**
 * Checks a token. Returns the token's facts, or throws an `OAuthBearerError` whose `status` is the RFC 6750 status
 * to send (`invalid_token`; `insufficient_scope` with `scope`). A thrown error without a status is an internal
 * failure: the server fails the exchange without a challenge, as Kafka's broker closes the connection.
 * @category Checking tokens
 */
export type TokenValidator = (token: string, context: ValidationContext) => BearerToken | Promise<BearerToken>;

/**
 * The verdict of an {@link ExtensionsValidator} (Kafka's OAuthBearerExtensionsValidatorCallback).
 * @category Checking tokens
 */
export interface ExtensionsVerdict {
  /** Extension names accepted; only these are kept. Names neither valid nor invalid are dropped. */
  readonly valid: Iterable<string>;
  /** Extension names refused, with the reason; any entry fails the exchange. */
  readonly invalid?: ReadonlyMap<string, string>;
}

/**
 * Checks the SASL extensions (KIP-342) a client sent alongside a valid token.
 * @category Checking tokens
 */
export type ExtensionsValidator = (
  token: BearerToken,
  extensions: ReadonlyMap<string, string>,
) => ExtensionsVerdict | Promise<ExtensionsVerdict>;

/**
 * Accepts every extension, as Kafka's unsecured and KIP-768 validator handlers do.
 * @category Checking tokens
 */
export const acceptAllExtensions: ExtensionsValidator = (_token, extensions) => ({ valid: extensions.keys() });
