/**
 * JWT claims (RFC 7519 §4.1) as Apache Kafka's KIP-768 validators check them.
 *
 * Broker (`ValidatorAccessTokenValidator`, 4.1+ `BrokerJwtValidator`): jose4j's `JwtConsumer` with
 * `setRequireExpirationTime`, `setRequireIssuedAt`, `setAllowedClockSkewInSeconds`, the expected audience and
 * issuer when configured, and its default validators (`AudValidator`, `IssValidator`, `NumericDateValidator`,
 * `SubValidator`, `JtiValidator`); then Kafka's `ClaimValidationUtils` on scope, exp, the sub claim and iat.
 * Client (`LoginAccessTokenValidator`, 4.1+ `ClientJwtValidator`): no signature, iat optional, exp truncated.
 * @module
 */
import { OAuthBearerError, type ErrorCode } from '../errors.js';
import { decodeBase64url } from '../encoding/base64.js';
import { parseJsonObject } from '../encoding/json.js';
import { decodeUtf8 } from '../encoding/utf8.js';
import type { BearerToken } from '../token.js';
import { MAX_TOKEN_LENGTH } from './jws.js';

/** Kafka's `sasl.oauthbearer.clock.skew.seconds` default. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 30;
/** Kafka's `sasl.oauthbearer.sub.claim.name` default. */
export const DEFAULT_SUB_CLAIM_NAME = 'sub';
/** Kafka's `sasl.oauthbearer.scope.claim.name` default. */
export const DEFAULT_SCOPE_CLAIM_NAME = 'scope';

/**
 * The claim rules of Kafka's broker (`sasl.oauthbearer.*` settings).
 * @category Checking tokens
 */
export interface ClaimsOptions {
  /** `sasl.oauthbearer.expected.audience`: when non-empty, `aud` is required and must hold one of these. */
  readonly audience?: readonly string[];
  /** `sasl.oauthbearer.expected.issuer`: when set, `iss` is required and must equal it exactly. */
  readonly issuer?: string;
  /** `sasl.oauthbearer.sub.claim.name`, default `sub`. */
  readonly subClaimName?: string;
  /** `sasl.oauthbearer.scope.claim.name`, default `scope`. */
  readonly scopeClaimName?: string;
  /** `sasl.oauthbearer.clock.skew.seconds`, default 30. */
  readonly clockSkewSeconds?: number;
  /**
   * What to do with a token bound to a key or certificate (`cnf`, RFC 7800). `'check'` (the default) fails closed:
   * `cnf.x5t#S256` (RFC 8705 §3) is accepted only when the validation context gives a matching
   * `certificateThumbprint`, and a token bound by a method a SASL connection cannot prove (`cnf.jkt`, RFC 9449 DPoP;
   * `cnf.x5t`, a SHA-1 certificate thumbprint; `cnf.jwk`, `cnf.jwe`, `cnf.kid`, `cnf.jku`, RFC 7800 §3.2-3.5) is
   * refused. `'ignore'` does what Kafka's broker does: `cnf` is not looked at.
   */
  readonly certificateBinding?: CertificateBinding;
}

/**
 * See {@link ClaimsOptions.certificateBinding}.
 * @category Checking tokens
 */
export type CertificateBinding = 'check' | 'ignore';

/**
 * `cnf` members that bind a token to proof a SASL/OAUTHBEARER connection cannot give: RFC 9449 §6.1 `jkt` (DPoP),
 * `x5t` (SHA-1 certificate thumbprint; RFC 8705 defines only `x5t#S256`), RFC 7800 §3.2-3.5 `jwk`, `jwe`, `kid`,
 * `jku` (proof-of-possession keys). Other members name no confirmation method we know of and are ignored.
 * @category Checking tokens
 */
export const UNCHECKABLE_CNF_MEMBERS: readonly string[] = Object.freeze(['jkt', 'x5t', 'jwk', 'jwe', 'kid', 'jku']);

/**
 * What the broker keeps of a valid token, plus the times a cache needs.
 * @category Checking tokens
 */
export interface ClaimsFacts {
  readonly principal: string;
  readonly scope: readonly string[];
  readonly lifetimeMs: number;
  readonly startTimeMs: number | null;
  /** `exp` in whole seconds (jose4j NumericDate). */
  readonly expSeconds: number;
  /** `nbf` in whole seconds, or null. */
  readonly nbfSeconds: number | null;
  /** `cnf.x5t#S256` (RFC 8705 §3.1), or null when the token is not certificate-bound (or binding is ignored). */
  readonly certificateThumbprint: string | null;
  /** The first `cnf` member of {@link UNCHECKABLE_CNF_MEMBERS} the token has, or null. */
  readonly uncheckableBinding: string | null;
}

/**
 * A duration for a person, rounded down to its largest unit: `850 ms`, `42 s`, `3 min`, `2 h 5 min`, `3 days`.
 * @example
 * ```ts
 * elapsedText(183_000); // '3 min'
 * ```
 */
export function elapsedText(ms: number): string {
  const a = Math.abs(ms);
  if (a < 1000) return `${Math.floor(a)} ms`;
  const s = Math.floor(a / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} days`;
}

/** Up to 5 claim values, each cut at 64 characters, as JSON, for a message. */
function shownList(values: readonly string[]): string {
  const shown = values.slice(0, 5).map((v) => JSON.stringify(v.slice(0, 64)));
  return `[${shown.join(', ')}${values.length > 5 ? `, … ${values.length - 5} more` : ''}]`;
}

function fail(code: ErrorCode, message: string): never {
  throw new OAuthBearerError(code, message, { status: 'invalid_token' });
}

// jose4j `JwtClaims.getNumericDateClaimValue`: a Number's `longValue()`, an integer beyond a Java long refused.
const LONG_LIMIT = 2 ** 63;

/** A NumericDate claim in whole seconds (truncated, as Java's `Number.longValue()`), or null when absent. */
function numericDate(claims: Record<string, unknown>, name: string): number | null {
  const value = claims[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || (Number.isInteger(value) && Math.abs(value) >= LONG_LIMIT)) {
    fail('ERR_JWT_CLAIM', `The "${name}" claim must be a NumericDate, a number of seconds (RFC 7519 §2)`);
  }
  return Math.trunc(value) + 0;
}

function optionalString(claims: Record<string, unknown>, name: string): string | null {
  const value = claims[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') fail('ERR_JWT_CLAIM', `The "${name}" claim must be a string (RFC 7519 §4.1)`);
  return value;
}

/** Kafka `ClaimValidationUtils.validateString`: non-null, trimmed, non-empty. */
function kafkaString(name: string, value: unknown, code: ErrorCode): string {
  if (value === undefined || value === null) fail(code, `The "${name}" claim value must be non-null`);
  if (typeof value !== 'string') fail(code, `The "${name}" claim must be a string`);
  const trimmed = value.trim();
  if (trimmed.length === 0) fail(code, `The "${name}" claim value must not be empty or blank`);
  return trimmed;
}

/**
 * Kafka's scope rule (`ClaimValidationUtils.validateScopes`): a string is ONE scope (not split on spaces), an
 * array gives its items, anything else gives no scope; each item trimmed and non-blank, duplicates refused.
 */
export function kafkaScope(claims: Record<string, unknown>, name: string): string[] {
  const raw = claims[name];
  const items: unknown[] = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : [];
  const out: string[] = [];
  for (const item of items) {
    // A non-string item is a ClassCastException in Kafka, which fails the authentication too.
    const scope = kafkaString(name, item, 'ERR_JWT_SCOPE');
    if (out.includes(scope)) fail('ERR_JWT_SCOPE', `The "${name}" claim must not contain duplicates; ${JSON.stringify(scope.slice(0, 64))} is already present`);
    out.push(scope);
  }
  return out;
}

function audience(claims: Record<string, unknown>): string[] | null {
  const aud = claims.aud;
  if (aud === undefined || aud === null) return null;
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) return aud as string[];
  return fail('ERR_JWT_CLAIM', 'The "aud" claim must be a string or an array of strings (RFC 7519 §4.1.3)');
}

/**
 * Checks a JWT claims set as Kafka's broker does and returns the token's facts.
 * @throws OAuthBearerError with status `invalid_token`: `ERR_JWT_AUDIENCE`, `ERR_JWT_ISSUER`, `ERR_JWT_EXPIRED`,
 * `ERR_JWT_NOT_YET_VALID`, `ERR_JWT_CLAIM`, `ERR_JWT_SCOPE`
 * @example
 * ```ts
 * const facts = checkBrokerClaims(claims, { audience: ['kafka'], issuer: 'https://idp' }, Date.now());
 * ```
 * @category Checking tokens
 */
export function checkBrokerClaims(claims: Record<string, unknown>, options: ClaimsOptions, nowMs: number): ClaimsFacts {
  const skew = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  const subClaimName = options.subClaimName ?? DEFAULT_SUB_CLAIM_NAME;
  const scopeClaimName = options.scopeClaimName ?? DEFAULT_SCOPE_CLAIM_NAME;
  const expected = options.audience ?? [];

  // jose4j AudValidator: with no expected audience a token carrying aud is refused (no setSkipDefaultAudienceValidation).
  const aud = audience(claims);
  if (aud === null) {
    if (expected.length > 0) fail('ERR_JWT_AUDIENCE', 'The token has no "aud" claim; sasl.oauthbearer.expected.audience requires one');
  } else if (!aud.some((a) => expected.includes(a))) {
    fail('ERR_JWT_AUDIENCE', expected.length === 0
      ? 'The token has an "aud" claim but no expected audience is configured; set sasl.oauthbearer.expected.audience (jose4j AudValidator)'
      : `The token's audience does not match: "aud" ${shownList(aud)} holds none of ${shownList(expected)} (sasl.oauthbearer.expected.audience)`);
  }
  // jose4j IssValidator: type-checked always, compared exactly when configured.
  const iss = optionalString(claims, 'iss');
  if (options.issuer !== undefined) {
    if (iss === null) fail('ERR_JWT_ISSUER', 'The token has no "iss" claim; sasl.oauthbearer.expected.issuer requires one');
    if (iss !== options.issuer) {
      fail('ERR_JWT_ISSUER', `The token's issuer does not match: "iss" ${JSON.stringify(iss.slice(0, 128))} is not ${JSON.stringify(options.issuer.slice(0, 128))} (sasl.oauthbearer.expected.issuer)`);
    }
  }
  // jose4j NumericDateValidator with requireExp and requireIat; times in whole seconds.
  const exp = numericDate(claims, 'exp');
  const iat = numericDate(claims, 'iat');
  const nbf = numericDate(claims, 'nbf');
  if (exp === null) fail('ERR_JWT_CLAIM', 'The token has no "exp" claim; Kafka requires one (RFC 7519 §4.1.4)');
  if (iat === null) fail('ERR_JWT_CLAIM', 'The token has no "iat" claim; Kafka\'s broker requires one (RFC 7519 §4.1.6)');
  const nowSeconds = Math.floor(nowMs / 1000);
  if (nowSeconds - skew >= exp) {
    fail('ERR_JWT_EXPIRED', `The token expired ${elapsedText((nowSeconds - exp) * 1000)} ago (exp ${exp}, now ${nowSeconds}, clock skew ${skew} s); get a fresh token`);
  }
  if (exp < iat) fail('ERR_JWT_CLAIM', 'The token\'s "exp" is before its "iat"');
  if (nbf !== null && exp < nbf) fail('ERR_JWT_CLAIM', 'The token\'s "exp" is before its "nbf"');
  if (nbf !== null && nowSeconds + skew < nbf) {
    fail('ERR_JWT_NOT_YET_VALID', `The token is not valid for another ${elapsedText((nbf - nowSeconds) * 1000)} (nbf ${nbf}, now ${nowSeconds}, clock skew ${skew} s); check the clocks`);
  }
  // jose4j SubValidator and JwtValidator: type checks of the registered claims.
  optionalString(claims, 'sub');
  optionalString(claims, 'jti');
  // Kafka ClaimValidationUtils, in ValidatorAccessTokenValidator's order.
  const scope = kafkaScope(claims, scopeClaimName);
  if (exp < 0) fail('ERR_JWT_CLAIM', 'The "exp" claim must not be negative');
  const principal = kafkaString(subClaimName, claims[subClaimName], 'ERR_JWT_CLAIM');
  if (iat < 0) fail('ERR_JWT_CLAIM', 'The "iat" claim must not be negative');
  const binding = (options.certificateBinding ?? 'check') === 'ignore' ? NO_BINDING : confirmation(claims);
  return { principal, scope, lifetimeMs: exp * 1000, startTimeMs: iat * 1000, expSeconds: exp, nbfSeconds: nbf, ...binding };
}

/** What a token is bound to. */
export interface TokenBinding {
  readonly certificateThumbprint: string | null;
  readonly uncheckableBinding: string | null;
}

const NO_BINDING: TokenBinding = Object.freeze({ certificateThumbprint: null, uncheckableBinding: null });

/** `cnf` (RFC 7800 §3.1): `x5t#S256` (RFC 8705 §3.1) and the first member we cannot check. */
function confirmation(claims: Record<string, unknown>): TokenBinding {
  const cnf = claims.cnf;
  if (cnf === undefined || cnf === null) return NO_BINDING;
  if (typeof cnf !== 'object' || Array.isArray(cnf)) fail('ERR_JWT_CLAIM', 'The "cnf" claim must be a JSON object (RFC 7800 §3.1)');
  const members = cnf as Record<string, unknown>;
  const x5t = members['x5t#S256'];
  if (x5t !== undefined && typeof x5t !== 'string') fail('ERR_JWT_CLAIM', 'The "cnf" member "x5t#S256" must be a string (RFC 8705 §3.1)');
  const uncheckable = UNCHECKABLE_CNF_MEMBERS.find((name) => Object.hasOwn(members, name)) ?? null;
  return { certificateThumbprint: x5t ?? null, uncheckableBinding: uncheckable };
}

const IGNORE_HINT = "; to accept bound tokens unchecked, as Kafka's broker does, set certificateBinding: 'ignore'";

/**
 * Fails closed on a bound token (RFC 8705 §3: the resource server MUST obtain the client certificate and check
 * it): `x5t#S256` must equal the connection's `thumbprint`, which must be given (undefined: the transport did not
 * say, so the check cannot be made); any binding we cannot check is refused.
 * @throws OAuthBearerError `ERR_CNF_MISMATCH` with status `invalid_token`
 */
export function checkCertificateBinding(binding: TokenBinding, thumbprint: string | null | undefined): void {
  if (binding.uncheckableBinding !== null) {
    fail('ERR_CNF_MISMATCH', `The token is bound by "cnf" member "${binding.uncheckableBinding}", which a SASL connection cannot prove (only x5t#S256, RFC 8705 §3, is checked)${IGNORE_HINT}`);
  }
  const bound = binding.certificateThumbprint;
  if (bound === null) return;
  if (thumbprint === undefined) {
    fail('ERR_CNF_MISMATCH', `The token is bound to a client certificate (cnf x5t#S256) but the validation context gives no certificateThumbprint to check it against (RFC 8705 §3); pass the connection's${IGNORE_HINT}`);
  }
  if (thumbprint === null) fail('ERR_CNF_MISMATCH', 'The token is bound to a client certificate (cnf x5t#S256) but the connection presented none (RFC 8705 §3)');
  if (bound !== thumbprint) fail('ERR_CNF_MISMATCH', 'The token is bound to a different client certificate than this connection\'s (RFC 8705 §3)');
}

/**
 * Options of {@link validateClientJwt}.
 * @category Checking tokens
 */
export interface ClientJwtOptions {
  readonly subClaimName?: string;
  readonly scopeClaimName?: string;
}

/**
 * Kafka's client-side check of a token it received (`LoginAccessTokenValidator`, 4.1+ `ClientJwtValidator`): three
 * non-blank parts, the payload decoded (base64url, padding tolerated as Java's URL decoder does), NO signature check,
 * `exp` required and truncated (`longValue() * 1000`), the sub claim required, `iat` optional, scope as on the
 * broker. Not checked against the current time.
 * @throws OAuthBearerError with status `invalid_token`: `ERR_JWS_FORMAT`, `ERR_JWT_CLAIM`, `ERR_JWT_SCOPE`
 * @example
 * ```ts
 * const token = validateClientJwt(accessToken, { subClaimName: 'sub' });
 * ```
 * @category Checking tokens
 */
export function validateClientJwt(token: string, options: ClientJwtOptions = {}): BearerToken {
  const value = token.trim();
  if (value.length > MAX_TOKEN_LENGTH) {
    throw new OAuthBearerError('ERR_INPUT_TOO_LARGE', `The token is ${value.length} characters; the limit is ${MAX_TOKEN_LENGTH}`, { status: 'invalid_token' });
  }
  const parts = value.split('.');
  if (value.length === 0 || parts.length !== 3 || parts.some((p) => p.trim().length === 0)) {
    fail('ERR_JWS_FORMAT', 'The token must have three non-blank sections (header, payload, and signature)');
  }
  let claims: Record<string, unknown>;
  try {
    claims = parseJsonObject(decodeUtf8(decodeBase64url(parts[1]!.trim(), { padding: 'allow', canonical: false, what: 'JWT payload' }), 'JWT payload'), { what: 'JWT payload' });
  } catch (cause) {
    throw new OAuthBearerError('ERR_JWT_CLAIM', 'The JWT payload is not base64url JSON (RFC 7519 §7.2)', { status: 'invalid_token', cause });
  }
  const scope = kafkaScope(claims, options.scopeClaimName ?? DEFAULT_SCOPE_CLAIM_NAME);
  const expRaw = claims.exp;
  if (expRaw === undefined || expRaw === null) fail('ERR_JWT_CLAIM', 'The "exp" claim value must be non-null');
  if (typeof expRaw !== 'number' || !Number.isFinite(expRaw)) fail('ERR_JWT_CLAIM', 'The "exp" claim must be a number');
  const lifetimeMs = Math.trunc(expRaw) * 1000;
  if (lifetimeMs < 0) fail('ERR_JWT_CLAIM', 'The "exp" claim must not be negative');
  const subClaimName = options.subClaimName ?? DEFAULT_SUB_CLAIM_NAME;
  const principal = kafkaString(subClaimName, claims[subClaimName], 'ERR_JWT_CLAIM');
  const iatRaw = claims.iat;
  let startTimeMs: number | null = null;
  if (iatRaw !== undefined && iatRaw !== null) {
    if (typeof iatRaw !== 'number' || !Number.isFinite(iatRaw)) fail('ERR_JWT_CLAIM', 'The "iat" claim must be a number');
    startTimeMs = Math.trunc(iatRaw) * 1000;
    if (startTimeMs < 0) fail('ERR_JWT_CLAIM', 'The "iat" claim must not be negative');
  }
  return { value, principal, scope, lifetimeMs: lifetimeMs + 0, startTimeMs: startTimeMs === null ? null : startTimeMs + 0 };
}
