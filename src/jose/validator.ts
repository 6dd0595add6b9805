/**
 * The broker's signed-token validator (Kafka KIP-768 `OAuthBearerValidatorCallbackHandler` with jose4j; RFC 7519,
 * RFC 8725, RFC 8705 §3): JWS verification with a key source, Kafka's claim rules, certificate binding, and a
 * bounded cache of verified tokens, since a broker sees one client's token on many connections.
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import type { CryptoPort, Jwk, JwsAlgorithm } from '../ports.js';
import type { BearerToken, TokenValidator, ValidationContext } from '../token.js';
import { DEFAULT_ALGORITHMS, isJwsAlgorithm } from './algorithms.js';
import { checkBrokerClaims, checkCertificateBinding, DEFAULT_CLOCK_SKEW_SECONDS, type ClaimsFacts, type ClaimsOptions, type TokenBinding } from './claims.js';
import type { Jwks } from './jwk.js';
import { staticKeySource, type KeySource } from './jwks.js';
import { decodePayload, MAX_TOKEN_LENGTH, noKey, parseJoseObject, splitJws, verifyWithKeys, type Base64urlDecoder, type SplitJws } from './jws.js';

/**
 * Default bound on cached verified tokens.
 * @category Checking tokens
 */
export const DEFAULT_TOKEN_CACHE_ENTRIES = 4096;

/** Tokens longer than this are verified every time, never cached: 4096 characters bounds the cache near 16 MiB. */
export const MAX_CACHED_TOKEN_LENGTH = 4096;

/**
 * Options of {@link createJwtValidator}: Kafka's `sasl.oauthbearer.*` validation settings plus ports.
 * @category Checking tokens
 */
export interface JwtValidatorOptions extends ClaimsOptions {
  /** The verification keys: a {@link KeySource} (remote or file JWKS) or a JWKS value. */
  readonly keys: KeySource | Jwks;
  readonly crypto: CryptoPort;
  /** The JWS `alg` allow-list; default {@link DEFAULT_ALGORITHMS}. Never `none` or HS*. */
  readonly algorithms?: readonly JwsAlgorithm[];
  /** Most verified tokens kept; 0 turns the cache off. Default {@link DEFAULT_TOKEN_CACHE_ENTRIES}. */
  readonly cacheEntries?: number;
  /** A faster strict base64url decoder (see {@link Base64urlDecoder}); default the portable one. */
  readonly base64url?: Base64urlDecoder;
  /** Longest token accepted, in characters; default {@link MAX_TOKEN_LENGTH} (Kafka's 524 288-byte SASL frame). */
  readonly maxTokenLength?: number;
}

interface CacheEntry {
  readonly token: BearerToken;
  readonly key: Jwk;
  readonly expSeconds: number;
  readonly nbfSeconds: number | null;
  readonly binding: TokenBinding;
}

function invalid(error: unknown): OAuthBearerError {
  if (error instanceof OAuthBearerError) {
    if (error.status === 'invalid_token') return error;
    return new OAuthBearerError(error.code, error.message, { status: 'invalid_token', cause: error.cause });
  }
  return new OAuthBearerError('ERR_CRYPTO', 'The token could not be verified', { status: 'invalid_token', cause: error });
}

function rejectInvalid(error: unknown): never {
  throw invalid(error);
}

function badSignature(jws: SplitJws): OAuthBearerError {
  return new OAuthBearerError('ERR_JWS_SIGNATURE', `The token's ${jws.alg} signature does not verify (RFC 7515 §5.2)`, { status: 'invalid_token' });
}

function isKeySource(keys: KeySource | Jwks): keys is KeySource {
  return typeof (keys as KeySource).keysFor === 'function';
}

/**
 * Creates the broker's token validator: verifies the JWS with the key source (RFC 7515 §5.2, RFC 8725 §3.1), then
 * applies Kafka's broker rules (exp and iat required, nbf, clock skew, aud refused when no audience is configured
 * and required when one is, exact issuer, scope string or list with no duplicates, the sub claim) and RFC 8705
 * certificate binding, failing closed: a token with `cnf.x5t#S256` needs the context's matching
 * `certificateThumbprint`, and `cnf.jkt`, `cnf.x5t` (SHA-1) and RFC 7800 key bindings are refused, unless
 * `certificateBinding: 'ignore'` (Kafka's behaviour, which ignores `cnf`). The result is synchronous when the key source and crypto port are (the node:crypto port)
 * and on cache hits.
 * @throws OAuthBearerError `ERR_USAGE_ARGUMENT` for bad options; the validator throws only errors with status
 * `invalid_token` (codes `ERR_JWS_*`, `ERR_JWKS*`, `ERR_JWT_*`, `ERR_CNF_MISMATCH`, `ERR_INPUT_TOO_LARGE`)
 * @example
 * ```ts
 * const validator = createJwtValidator({ keys: createRemoteJwks({ url, http, clock, sleep }), crypto: webCryptoPort,
 *   audience: ['kafka'], issuer: 'https://idp.example' });
 * const token = await validator(compact, { nowMs: Date.now() });
 * ```
 * @category Checking tokens
 */
export function createJwtValidator(options: JwtValidatorOptions): TokenValidator {
  const source = isKeySource(options.keys) ? options.keys : staticKeySource(options.keys);
  const { crypto } = options;
  const algorithms = options.algorithms ?? DEFAULT_ALGORITHMS;
  if (!Array.isArray(algorithms) || !algorithms.every(isJwsAlgorithm) || algorithms.length === 0) {
    throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `algorithms must be a non-empty list of ${DEFAULT_ALGORITHMS.join(', ')}`);
  }
  const skew = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  if (!Number.isInteger(skew) || skew < 0) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', 'clockSkewSeconds must be a non-negative integer');
  const binding = options.certificateBinding ?? 'check';
  if (binding !== 'check' && binding !== 'ignore') throw new OAuthBearerError('ERR_USAGE_ARGUMENT', "certificateBinding must be 'check' or 'ignore'");
  const claimsOptions: ClaimsOptions = { ...options, clockSkewSeconds: skew, certificateBinding: binding };
  const maxEntries = options.cacheEntries ?? DEFAULT_TOKEN_CACHE_ENTRIES;
  const maxTokenLength = options.maxTokenLength ?? MAX_TOKEN_LENGTH;
  if (!Number.isSafeInteger(maxTokenLength) || maxTokenLength < 1) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', 'maxTokenLength must be a whole number ≥ 1');
  const cache = new Map<string, CacheEntry>();

  /** Kafka's claim rules and the certificate binding, on a JWS whose signature is (or is being) checked. */
  function claimsOf(jws: SplitJws, context: ValidationContext): ClaimsFacts {
    const claims = parseJoseObject(decodePayload(jws.payloadSegment, options.base64url), 'JWT claims set', 'ERR_JWT_CLAIM');
    const facts = checkBrokerClaims(claims, claimsOptions, context.nowMs);
    checkCertificateBinding(facts, context.certificateThumbprint);
    return facts;
  }

  function accept(token: string, key: Jwk, facts: ClaimsFacts): BearerToken {
    const result: BearerToken = Object.freeze({
      value: token, principal: facts.principal, scope: Object.freeze(facts.scope),
      lifetimeMs: facts.lifetimeMs, startTimeMs: facts.startTimeMs,
    });
    if (maxEntries > 0 && token.length <= MAX_CACHED_TOKEN_LENGTH) {
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
      cache.set(token, { token: result, key, expSeconds: facts.expSeconds, nbfSeconds: facts.nbfSeconds, binding: { certificateThumbprint: facts.certificateThumbprint, uncheckableBinding: facts.uncheckableBinding } });
    }
    return result;
  }

  function withKeys(jws: SplitJws, token: string, keys: readonly Jwk[], context: ValidationContext): BearerToken | Promise<BearerToken> {
    if (keys.length === 0) throw noKey(jws);
    const key = verifyWithKeys(jws, keys, crypto);
    if (!(key instanceof Promise)) {
      if (key === null) throw badSignature(jws);
      return accept(token, key, claimsOf(jws, context));
    }
    // The port verifies off this thread (WebCrypto does): check the claims meanwhile, so their cost hides behind
    // the signature's. Their verdict is told only after the signature's, in the same order as the synchronous path,
    // so a token with a bad signature never learns what its claims would have met.
    let facts: ClaimsFacts | null = null;
    let failure: unknown = null;
    try {
      facts = claimsOf(jws, context);
    } catch (error) {
      failure = error;
    }
    return key.then((verified) => {
      if (verified === null) throw invalid(badSignature(jws));
      if (facts === null) throw invalid(failure);
      return accept(token, verified, facts);
    }, rejectInvalid);
  }

  return function validateJwt(token: string, context: ValidationContext): BearerToken | Promise<BearerToken> {
    try {
      const hit = maxEntries > 0 && typeof token === 'string' && token.length <= MAX_CACHED_TOKEN_LENGTH ? cache.get(token) : undefined;
      if (hit !== undefined) {
        const nowSeconds = Math.floor(context.nowMs / 1000);
        // Evicted at exp (with the skew, as the check itself), and when its key has left the key set.
        source.refreshIfDue?.(context.nowMs);
        if (nowSeconds - skew < hit.expSeconds && (hit.nbfSeconds === null || nowSeconds + skew >= hit.nbfSeconds) && source.hasKey(hit.key)) {
          checkCertificateBinding(hit.binding, context.certificateThumbprint);
          return hit.token;
        }
        cache.delete(token);
      }
      const jws = splitJws(token, algorithms, options.base64url, maxTokenLength);
      const keys = source.keysFor(jws.alg, jws.kid, context.nowMs);
      if (keys instanceof Promise) {
        return keys.then((k) => withKeys(jws, token, k, context)).then(undefined, rejectInvalid);
      }
      return withKeys(jws, token, keys, context);
    } catch (error) {
      throw invalid(error);
    }
  };
}
